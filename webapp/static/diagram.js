// Draws BPMN diagrams with bpmn-js. A holder with data-xml shows one file, its elements marked by data-marks
// ({"rcjc-active": [...], "rcjc-completed": [...], "rcjc-problem": [...]}). A holder with data-source shows a
// case: the JSON there gives a process of the case's own version with this case's marks; call activities open
// the process they call, and the trail leads back up. Lanes show the group names of data-lanes.
(function () {
  "use strict";
  if (typeof window.BpmnJS !== "function") {
    return;
  }
  var ZOOM_STEP = 1.25;
  var CONTEXT = 220; // diagram units kept around the step under way, so that what comes before and after shows

  function newViewer(holder) {
    var viewer = new window.BpmnJS({ container: holder });
    if (window.rcjcLaneNames) { window.rcjcLaneNames(viewer, JSON.parse(holder.dataset.lanes || "{}")); }
    return viewer;
  }

  function mark(viewer, marks) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    Object.keys(marks).forEach(function (cls) {
      marks[cls].forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, cls); }
      });
    });
  }

  function failed(holder) {
    holder.dataset.rendered = "error";
    holder.textContent = holder.dataset.error;
  }

  function plainDiagram(holder) {
    var marks = JSON.parse(holder.dataset.marks || "{}");
    var viewer = newViewer(holder);
    fetch(holder.dataset.xml, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        mark(viewer, marks);
        viewer.get("canvas").zoom("fit-viewport");
        holder.dataset.rendered = "true";
      })
      .catch(function () { failed(holder); });
  }

  // Fit the steps under way with some context around them; the whole diagram when nothing is under way here.
  function focus(viewer, holder, ids) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    var shapes = ids.map(function (id) { return registry.get(id); })
      .filter(function (el) { return el && !el.waypoints && el.type !== "label"; });
    if (!shapes.length) { return; }
    var x1 = Math.min.apply(null, shapes.map(function (s) { return s.x; })) - CONTEXT;
    var y1 = Math.min.apply(null, shapes.map(function (s) { return s.y; })) - CONTEXT / 2;
    var x2 = Math.max.apply(null, shapes.map(function (s) { return s.x + s.width; })) + CONTEXT;
    var y2 = Math.max.apply(null, shapes.map(function (s) { return s.y + s.height; })) + CONTEXT / 2;
    var width = holder.clientWidth, height = holder.clientHeight;
    var scale = Math.min(width / (x2 - x1), height / (y2 - y1), 1);
    if (canvas.zoom() >= scale) { return; } // the whole diagram is already as large as the close-up would be
    var cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
    canvas.viewbox({ x: cx - width / scale / 2, y: cy - height / scale / 2, width: width / scale, height: height / scale });
  }

  function caseDiagram(holder) {
    var card = holder.closest("[data-diagram-card]") || document;
    var trailNav = card.querySelector("[data-diagram-trail]");
    var upButton = card.querySelector("[data-diagram-up]");
    var status = card.querySelector("[data-diagram-status]");
    var viewer = newViewer(holder);
    var canvas = viewer.get("canvas");
    var trail = []; // the processes opened, top first: {process, name}

    function drawTrail() {
      trailNav.textContent = "";
      trail.forEach(function (level, index) {
        if (index > 0) { trailNav.appendChild(document.createTextNode(" › ")); }
        var item;
        if (index === trail.length - 1) {
          item = document.createElement("strong");
          item.setAttribute("aria-current", "page");
        } else {
          item = document.createElement("button");
          item.type = "button";
          item.className = "link";
          item.addEventListener("click", function () { trail = trail.slice(0, index + 1); show(); });
        }
        item.textContent = level.name;
        trailNav.appendChild(item);
      });
      upButton.hidden = trail.length < 2;
    }

    function drillButtons() {
      var overlays = viewer.get("overlays");
      viewer.get("elementRegistry").filter(function (el) {
        return el.type === "bpmn:CallActivity" && el.businessObject.calledElement;
      }).forEach(function (el) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "drill-down";
        button.dataset.drillDown = el.id;
        button.title = holder.dataset.drillLabel + "：" + (el.businessObject.name || "");
        button.setAttribute("aria-label", button.title);
        button.textContent = "▾";
        button.addEventListener("click", function (event) { event.stopPropagation(); open(el); });
        overlays.add(el.id, "drill-down", { position: { bottom: 4, right: 24 }, html: button });
      });
    }

    function open(el) {
      trail.push({ process: el.businessObject.calledElement, name: el.businessObject.name || el.businessObject.calledElement });
      show();
    }

    function show() {
      var level = trail[trail.length - 1];
      var url = holder.dataset.source + (level && level.process ? "?process=" + encodeURIComponent(level.process) : "");
      holder.dataset.rendered = "loading";
      status.textContent = "";
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (found) {
          return viewer.importXML(found.xml).then(function () { return found; });
        })
        .then(function (found) {
          if (!trail.length) { trail.push({ process: null, name: found.name }); }
          mark(viewer, found.marks);
          drillButtons();
          focus(viewer, holder, found.marks["rcjc-active"]);
          holder.dataset.process = found.process_id;
          holder.dataset.marks = JSON.stringify(found.marks);
          drawTrail();
          holder.dataset.rendered = "true";
        })
        .catch(function () {
          // The diagram shown stays usable; the level that could not be opened is left off the trail.
          if (trail.length > 1) { trail.pop(); }
          status.textContent = holder.dataset.error;
          holder.dataset.rendered = trail.length ? "true" : "error";
        });
    }

    viewer.get("eventBus").on("element.click", function (event) {
      if (event.element.type === "bpmn:CallActivity" && event.element.businessObject.calledElement) { open(event.element); }
    });
    // The viewer drags only once it has the focus, which its own mousedown gives too late for the first drag.
    holder.addEventListener("mousedown", function () { canvas.focus(); }, true);
    upButton.addEventListener("click", function () { trail.pop(); show(); });
    card.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.dataset.zoom;
        if (how === "fit") { canvas.zoom("fit-viewport", "auto"); return; }
        canvas.zoom(canvas.zoom() * (how === "in" ? ZOOM_STEP : 1 / ZOOM_STEP), "auto");
      });
    });
    show();
  }

  document.querySelectorAll(".diagram[data-xml]").forEach(plainDiagram);
  document.querySelectorAll(".diagram[data-source]").forEach(caseDiagram);
})();
