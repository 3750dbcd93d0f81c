// Draws the BPMN diagram of the version a case runs on and marks completed and active elements.
(function () {
  "use strict";
  var holder = document.getElementById("diagram");
  if (!holder || typeof window.BpmnJS !== "function") {
    return;
  }
  var active = JSON.parse(holder.dataset.active || "[]");
  var completed = JSON.parse(holder.dataset.completed || "[]");
  var viewer = new window.BpmnJS({ container: holder });

  function fail() {
    holder.dataset.rendered = "error";
    holder.textContent = holder.dataset.error;
  }

  fetch(holder.dataset.xml, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      completed.forEach(function (id) {
        if (registry.get(id) && active.indexOf(id) < 0) { canvas.addMarker(id, "rcjc-completed"); }
      });
      active.forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "rcjc-active"); }
      });
      canvas.zoom("fit-viewport");
      holder.dataset.rendered = "true";
    })
    .catch(fail);
})();
