// Draws a BPMN diagram with bpmn-js and marks elements: data-xml names the file, data-marks maps a CSS
// class to the ids it marks ({"rcjc-active": [...], "rcjc-completed": [...], "rcjc-problem": [...]}).
(function () {
  "use strict";
  if (typeof window.BpmnJS !== "function") {
    return;
  }
  document.querySelectorAll(".diagram[data-xml]").forEach(function (holder) {
    var marks = JSON.parse(holder.dataset.marks || "{}");
    var viewer = new window.BpmnJS({ container: holder });

    fetch(holder.dataset.xml, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        Object.keys(marks).forEach(function (cls) {
          marks[cls].forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, cls); }
          });
        });
        canvas.zoom("fit-viewport");
        holder.dataset.rendered = "true";
      })
      .catch(function () {
        holder.dataset.rendered = "error";
        holder.textContent = holder.dataset.error;
      });
  });
})();
