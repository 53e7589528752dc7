#!/bin/sh
# Copy the built front-end packages into hearth/core/static/vendor. GOV.UK Frontend's
# stylesheet points at /assets/; rewrite that to where Django serves static files.
set -eu
out=hearth/core/static/vendor
rm -rf "$out" && mkdir -p "$out/govuk" "$out/moj" "$out/htmx"
gov=node_modules/govuk-frontend/dist/govuk
moj=node_modules/@ministryofjustice/frontend/moj
cp -R "$gov/assets" "$out/govuk/assets"
cp "$gov/govuk-frontend.min.js" "$out/govuk/"
sed 's#url(/assets/#url(/static/vendor/govuk/assets/#g' "$gov/govuk-frontend.min.css" > "$out/govuk/govuk-frontend.min.css"
cp -R "$moj/assets" "$out/moj/assets"
cp "$moj/moj-frontend.min.js" "$out/moj/"
sed 's#url(/assets/#url(/static/vendor/moj/assets/#g' "$moj/moj-frontend.min.css" > "$out/moj/moj-frontend.min.css"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
