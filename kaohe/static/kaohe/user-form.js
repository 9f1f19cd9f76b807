// Account form: show only the scope field the chosen role needs. Without JavaScript all are shown.
(function () {
  "use strict";
  var scopeOf = { liaison: "unit", clerk: "department", cadre: "cadre", assessor: "assessment_groups" };
  var scopeFields = ["unit", "department", "cadre", "assessment_groups"];

  function update(form) {
    var role = form.querySelector("[name=role]");
    if (!role) { return; }
    scopeFields.forEach(function (name) {
      var block = form.querySelector('[data-field="' + name + '"]');
      if (block) { block.hidden = scopeOf[role.value] !== name; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.user-form").forEach(function (form) {
      update(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "role") { update(form); }
      });
    });
  });
})();
