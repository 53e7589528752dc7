from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
