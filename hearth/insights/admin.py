from django.contrib import admin

from hearth.insights.models import NationalReference


@admin.register(NationalReference)
class NationalReferenceAdmin(admin.ModelAdmin[NationalReference]):
    list_display = ("indicator", "value", "year", "source")
