// Confirmations in a dialog: a form marked data-confirm posts through htmx, and the server's confirmation
// (kaohe/confirm.py) opens in the page's <dialog>. Without JavaScript the same POST answers the full page.
(function () {
  function arm(root) {
    root.querySelectorAll("form[data-confirm]:not([hx-post])").forEach(function (form) {
      form.setAttribute("hx-post", form.getAttribute("action"));
      form.setAttribute("hx-target", "#confirm-dialog");
      form.setAttribute("hx-swap", "innerHTML");
      if (form.enctype === "multipart/form-data") form.setAttribute("hx-encoding", "multipart/form-data");
      window.htmx.process(form);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    arm(document);
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog) return;
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === dialog && !dialog.open) dialog.showModal();
    });
    // A refused first step (a form error answers 400 with the whole page): submit the form the plain way.
    document.body.addEventListener("htmx:responseError", function (event) {
      var form = event.detail.elt;
      if (form && form.matches && form.matches("form[data-confirm]")) HTMLFormElement.prototype.submit.call(form);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-confirm-cancel]")) {
        event.preventDefault();
        dialog.close();
      }
    });
  });
})();
