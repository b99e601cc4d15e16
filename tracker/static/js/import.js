/* The import page: while a sheet is uploaded, checked or saved (a large one takes a while), show that
 * the work is under way and keep a second click from sending the form again. */
document.querySelectorAll('form.import-form').forEach((form) => {
  form.addEventListener('submit', (event) => {
    if (form.dataset.busy) {
      event.preventDefault();
      return;
    }
    form.dataset.busy = '1';
    const panel = document.getElementById('import-progress');
    const file = form.querySelector('input[type=file]');
    let text = form.dataset.progress;
    if (file && file.files.length) {
      text = `${file.files[0].name} (${Math.ceil(file.files[0].size / 1024)} KB): ${text}`;
    }
    document.getElementById('import-progress-text').textContent = text;
    panel.hidden = false;
    form.setAttribute('aria-busy', 'true');
    panel.scrollIntoView({ block: 'nearest' });
  });
});
