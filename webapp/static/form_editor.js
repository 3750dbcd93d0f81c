// The form-js editor on a form of a draft.
(function () {
  "use strict";
  var ui = window.rcjcEditor;
  if (!window.FormEditor) { return; }
  var editor = new window.FormEditor.FormEditor({ container: ui.holder });
  fetch(ui.holder.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (schema) { return editor.importSchema(schema); })
    .then(function () {
      document.getElementById("save").addEventListener("click", function () {
        ui.save(JSON.stringify(editor.saveSchema(), null, 2), "application/json");
      });
      ui.holder.dataset.rendered = "true";
      return ui.showProblems();
    })
    .catch(function (error) {
      ui.holder.dataset.rendered = "error";
      ui.status.textContent = error.message;
    });
})();
