// The report form autosaves as the author types (HTMX). Once the form itself is posted
// (Save draft, Submit to the manager), an autosave still waiting on its delay would race
// that post to the server and find the report already submitted: stop autosaving on
// this page from then on. Coming back to the page (the back button) starts it again.
const form = document.getElementById('report-form')
if (form) {
  form.addEventListener('submit', () => { form.dataset.posted = 'true' })
  form.addEventListener('htmx:confirm', (event) => {
    if (form.dataset.posted) event.preventDefault()
  })
  window.addEventListener('pageshow', () => { delete form.dataset.posted })
}
