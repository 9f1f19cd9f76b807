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
    // Anything but a confirmation (a form error, a refusal that redirects): submit the form the plain way,
    // so the page answers as it does without JavaScript; nothing was written by the first request.
    function plain(event) {
      // beforeSwap's elt is the target; the form that asked is the request's
      var form = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
      if (!form || !form.matches || !form.matches("form[data-confirm]")) return;
      form.removeAttribute("data-confirm");
      HTMLFormElement.prototype.submit.call(form);
    }
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.target !== dialog) return;
      var text = event.detail.serverResponse || "";
      if (event.detail.xhr.status === 200 && text.indexOf('id="confirm-card"') !== -1) return;
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      plain(event);
    });
    document.body.addEventListener("htmx:responseError", plain);
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-confirm-cancel]")) {
        event.preventDefault();
        dialog.close();
      }
    });
  });
})();
