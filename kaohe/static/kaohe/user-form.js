// Account form: show only the scope field the chosen role needs, and the paper-ballot permission to the
// roles that may hold it. Without JavaScript all are shown.
(function () {
  "use strict";
  var scopeOf = { liaison: "unit", clerk: "department", cadre: "cadre", assessor: "assessment_groups" };
  var scopeFields = ["unit", "department", "cadre", "assessment_groups"];
  var typistRoles = ["clerk", "assessor"];  // accounts.access.PAPER_TYPIST_ROLES

  function update(form) {
    var role = form.querySelector("[name=role]");
    if (!role) { return; }
    scopeFields.forEach(function (name) {
      var block = form.querySelector('[data-field="' + name + '"]');
      if (block) { block.hidden = scopeOf[role.value] !== name; }
    });
    var typist = form.querySelector('[data-field="may_type_paper_ballots"]');
    if (typist) { typist.hidden = typistRoles.indexOf(role.value) < 0; }
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
