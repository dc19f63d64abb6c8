// lienhe213's own script, served from this site (the Content Security Policy allows no
// inline script): a <select data-autosubmit> submits its form when the choice changes.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.dataset.autosubmit !== undefined) {
    field.form.requestSubmit();
  }
});
