// The DMN editor (dmn-js) on a decision table of a draft.
(function () {
  "use strict";
  var ui = window.rcjcEditor;
  if (typeof window.DmnJS !== "function") { return; }
  // Each view of dmn-js builds its own injector: the Chinese translate service goes into every one of them.
  var language = window.rcjcEditorLanguage;
  var words = language ? language.modules() : [];
  var modeler = new window.DmnJS({
    container: ui.holder, common: { keyboard: { bind: true } },
    drd: { additionalModules: words }, decisionTable: { additionalModules: words },
    literalExpression: { additionalModules: words }, boxedExpression: { additionalModules: words }
  });
  // A few hints dmn-js writes without its translate service (the column drag handles, the context menu's name).
  function translateHints(element) {
    ["title", "aria-label"].forEach(function (name) {
      var value = element.getAttribute(name);
      if (value && language.translate(value) !== value) { element.setAttribute(name, language.translate(value)); }
    });
  }
  if (language && language.chinese) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") { translateHints(change.target); return; }
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType !== Node.ELEMENT_NODE) { return; }
          translateHints(node);
          Array.prototype.forEach.call(node.querySelectorAll("[title], [aria-label]"), translateHints);
        });
      });
    }).observe(ui.holder, { childList: true, subtree: true, attributes: true, attributeFilter: ["title", "aria-label"] });
  }
  fetch(ui.holder.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      var table = modeler.getViews().filter(function (view) { return view.type === "decisionTable"; })[0];
      if (table) { return modeler.open(table); }
      return null;
    })
    .then(function () {
      document.getElementById("save").addEventListener("click", function () {
        modeler.saveXML({ format: true }).then(function (result) { return ui.save(result.xml, "application/xml"); });
      });
      ui.holder.dataset.rendered = "true";
      return ui.showProblems();
    })
    .catch(function (error) {
      ui.holder.dataset.rendered = "error";
      ui.status.textContent = error.message;
    });
})();
