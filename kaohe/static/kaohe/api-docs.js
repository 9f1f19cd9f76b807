// Swagger UI for /api/docs: settings from the page, the session's CSRF token on every request it sends.
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.validatorUrl = null; // never ask swagger.io to validate: the intranet has no way out
  settings.requestInterceptor = function (request) {
    if (csrfToken && !request.headers.Authorization) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
