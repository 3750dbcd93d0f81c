// The form-js editor on a form of a draft.
(function () {
  "use strict";
  var ui = window.rcjcEditor;
  var language = window.rcjcEditorLanguage;
  if (!window.FormEditor) { return; }

  // form-js writes most of its words directly, without a translate service: the palette's entries come from each
  // field type's config, the properties panel's groups from its providers; the rest is fixed text in the DOM.
  function nameFieldTypes(formFields) {
    Object.keys(formFields._formFields || {}).forEach(function (type) {
      var config = formFields.get(type).config;
      if (config.name) { config.name = language.translate(config.name); }
      if (config.label) { config.label = language.translate(config.label); }
    });
  }
  nameFieldTypes.$inject = ["formFields"];

  // Runs after the built-in provider (lower priority), renaming the groups it made.
  function GroupNames(propertiesPanel) {
    propertiesPanel.registerProvider({
      getGroups: function () {
        return function (groups) {
          return groups.map(function (group) {
            return Object.assign({}, group, { label: language.translate(group.label) });
          });
        };
      }
    }, 1);
  }
  GroupNames.$inject = ["propertiesPanel"];

  // The words left in the palette and properties panel (entry labels, group headings, placeholders, help texts) and
  // the canvas's own placeholders and buttons, replaced where they are shown; what a person typed (inputs, the FEEL
  // and text editors, the field's own label) is left alone.
  var SCOPE = ".fjs-palette-container, .fjs-properties-container, .fjs-empty-component, .fjs-empty-editor, " +
    ".fjs-form-field-placeholder, .fjs-iframe-placeholder-text, .fjs-documentPreview-placeholder-text, .fjs-context-pad, " +
    ".fjs-repeat-render-footer";
  var SKIP = "[contenteditable], .cm-editor, textarea, input, .bio-properties-panel-header-label";

  function translateNode(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      var parent = node.parentElement;
      var text = node.data.trim();
      if (!text || !parent || !parent.closest(SCOPE) || parent.closest(SKIP)) { return; }
      var done = language.translate(text);
      if (done !== text) { node.data = node.data.replace(text, done); }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || node.closest(".cm-editor")) { return; }
    if (node.closest(SCOPE)) {
      ["title", "placeholder", "aria-label"].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value && language.translate(value) !== value) { node.setAttribute(name, language.translate(value)); }
      });
    }
    // A text box's own name is translated, never what is typed in it.
    if (!node.closest("[contenteditable]")) { Array.prototype.forEach.call(node.childNodes, translateNode); }
  }

  function translateChrome(root) {
    translateNode(root);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "childList") { Array.prototype.forEach.call(change.addedNodes, translateNode); }
        else { translateNode(change.target); }
      });
    }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true,
      attributeFilter: ["title", "placeholder", "aria-label"] });
  }

  var modules = language && language.chinese
    ? [{ __init__: [nameFieldTypes, "rcjcGroupNames"], rcjcGroupNames: ["type", GroupNames] }] : [];
  var editor = new window.FormEditor.FormEditor({ container: ui.holder, additionalModules: modules });
  if (modules.length) { translateChrome(ui.holder); }
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
