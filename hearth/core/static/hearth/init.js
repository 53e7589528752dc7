import { initAll as initGovuk } from '/static/vendor/govuk/govuk-frontend.min.js'
import { initAll as initMoj } from '/static/vendor/moj/moj-frontend.min.js'

initGovuk()
initMoj()
// Components inside content swapped in by HTMX need starting too.
document.body.addEventListener('htmx:afterSettle', (event) => {
  initGovuk({ scope: event.target })
})
