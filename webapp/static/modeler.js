// The BPMN modeler of a draft: bpmn-js with a panel for what rcjc reads from each element, saving to the draft.
(function () {
  "use strict";
  var holder = document.getElementById("modeler");
  var panel = document.getElementById("panel");
  if (!holder || typeof window.BpmnJS !== "function") { return; }
  var settings = JSON.parse(holder.dataset.settings);
  var labels = JSON.parse(holder.dataset.labels);

  // The spiffworkflow extension elements rcjc reads, so that bpmn-js keeps and edits them.
  var spiff = {
    name: "SpiffWorkflow", uri: "http://spiffworkflow.org/bpmn/schema/1.0/core", prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" }, associations: [],
    types: [
      { name: "Properties", superClass: ["Element"], properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", properties: [{ name: "name", isAttr: true, type: "String" }, { name: "value", isAttr: true, type: "String" }] },
      { name: "MessageVariable", superClass: ["Element"], properties: [{ name: "value", isBody: true, type: "String" }] },
      { name: "CalledDecisionId", superClass: ["Element"], properties: [{ name: "value", isBody: true, type: "String" }] }
    ]
  };

  // Chinese labels for the palette and context pad (English when the page is in English).
  function translate(template, replacements) {
    var text = labels[template] || template;
    return text.replace(/{([^}]+)}/g, function (_, key) { return (replacements || {})[key] || "{" + key + "}"; });
  }

  // bpmn-js's own properties panel shows every BPMN property; the rcjc panel beside it the ones the engine reads.
  var extra = [{ translate: ["value", translate] }];
  var panelLibrary = window.BpmnJSPropertiesPanel;
  if (panelLibrary) {
    extra = [panelLibrary.BpmnPropertiesPanelModule, panelLibrary.BpmnPropertiesProviderModule].concat(extra);
  }
  var modeler = new window.BpmnJS({
    container: holder, keyboard: { bind: true },
    propertiesPanel: panelLibrary ? { parent: "#properties" } : undefined,
    moddleExtensions: { spiffworkflow: spiff },
    additionalModules: extra
  });
  if (window.rcjcLaneNames) { window.rcjcLaneNames(modeler, JSON.parse(holder.dataset.lanes || "{}")); }
  var modeling, moddle, canvas, registry;

  // Fit the diagram into the room right of the palette, so that the palette covers no element.
  function fitBesidePalette() {
    canvas.zoom("fit-viewport");
    var palette = holder.querySelector(".djs-palette");
    var inner = canvas.viewbox().inner;
    if (!palette || !inner.width || !inner.height) { return; }
    var box = holder.getBoundingClientRect();
    var left = palette.getBoundingClientRect().right - box.left + 24;
    var pad = 24;
    var scale = Math.min((box.width - left - pad) / inner.width, (box.height - 2 * pad) / inner.height, 1);
    canvas.viewbox({ x: inner.x - left / scale, y: inner.y - pad / scale, width: box.width / scale, height: box.height / scale });
  }

  function properties(bo) {
    var ext = bo.extensionElements;
    var holderEl = ext && (ext.values || []).filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
    var found = {};
    ((holderEl && holderEl.properties) || []).forEach(function (p) { found[p.name] = p.value; });
    return found;
  }

  function setProperty(element, name, value) {
    var bo = element.businessObject;
    var ext = bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
    var props = (ext.values || []).filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      ext.values = (ext.values || []).concat([props]);
    }
    var kept = (props.properties || []).filter(function (p) { return p.name !== name; });
    if (value) { kept.push(moddle.create("spiffworkflow:Property", { name: name, value: value })); }
    props.properties = kept;
    modeling.updateProperties(element, { extensionElements: ext });
  }

  function field(label, control) {
    var wrap = document.createElement("div");
    wrap.className = "field";
    var lab = document.createElement("label");
    lab.textContent = label;
    control.id = "panel-" + Math.random().toString(36).slice(2);
    lab.htmlFor = control.id;
    wrap.appendChild(lab);
    wrap.appendChild(control);
    panel.appendChild(wrap);
    return control;
  }

  function input(value, onChange) {
    var el = document.createElement("input");
    el.value = value || "";
    el.addEventListener("change", function () { onChange(el.value.trim()); });
    return el;
  }

  function choiceField(options, value, onChange) {
    var el = document.createElement("select");
    [""].concat(options).forEach(function (option) {
      var o = document.createElement("option");
      o.value = option;
      o.textContent = option || "—";
      o.selected = option === (value || "");
      el.appendChild(o);
    });
    el.addEventListener("change", function () { onChange(el.value); });
    return el;
  }

  function area(value, onChange) {
    var el = document.createElement("textarea");
    el.value = value || "";
    el.addEventListener("change", function () { onChange(el.value); });
    return el;
  }

  function expression(element, key, body) {
    var current = element.businessObject[key];
    return function (text) {
      var update = {};
      update[key] = text ? moddle.create("bpmn:FormalExpression", { body: text }) : undefined;
      if (body === "timer") {
        var definition = element.businessObject.eventDefinitions[0];
        modeling.updateModdleProperties(element, definition, update);
      } else {
        modeling.updateProperties(element, update);
      }
      return current;
    };
  }

  function show(element) {
    panel.textContent = "";
    var title = document.createElement("h2");
    title.textContent = element ? (element.businessObject.name || element.id) : labels["Select an element"];
    panel.appendChild(title);
    if (!element) { return; }
    var bo = element.businessObject;
    var type = bo.$type;
    var props = properties(bo);
    var idField = field(labels["Id"], input(element.id, function () {}));
    idField.readOnly = true;
    if (type === "bpmn:Lane") {
      field(labels["Group (lane)"], choiceField(settings.groups, bo.name, function (v) { modeling.updateLabel(element, v); }));
      return;
    }
    field(labels["Name"], input(bo.name, function (v) { modeling.updateLabel(element, v); }));
    if (type === "bpmn:UserTask") {
      field(labels["Form"], choiceField(settings.forms, props.form, function (v) { setProperty(element, "form", v); }));
      field(labels["Time limit"], choiceField(settings.limits, props.limit, function (v) { setProperty(element, "limit", v); }));
      field(labels["Counted from (date field)"], input(props.limit_from, function (v) { setProperty(element, "limit_from", v); }));
      field(labels["Only this person (data field)"], input(props.assignee, function (v) { setProperty(element, "assignee", v); }));
      field(labels["Excluded: handlers of (lanes)"], input(props.exclude_handlers_of, function (v) { setProperty(element, "exclude_handlers_of", v); }));
      field(labels["Limit continues across rounds"], choiceField(["resume"], props.clock, function (v) { setProperty(element, "clock", v); }));
      var notices = document.createElement("button");
      notices.type = "button";
      notices.id = "add-notices";
      notices.textContent = labels["Add reminder and escalation timers"];
      notices.addEventListener("click", function () { addNotices(element); });
      panel.appendChild(notices);
    }
    if (type === "bpmn:ScriptTask") {
      field(labels["Script"], area(bo.script, function (v) { modeling.updateProperties(element, { script: v }); }));
    }
    if (type === "bpmn:SequenceFlow") {
      var condition = bo.conditionExpression ? bo.conditionExpression.body : "";
      field(labels["Condition"], area(condition, expression(element, "conditionExpression")));
    }
    var definition = (bo.eventDefinitions || [])[0];
    if (definition && definition.$type === "bpmn:TimerEventDefinition") {
      var key = definition.timeDate ? "timeDate" : definition.timeDuration ? "timeDuration" : "timeDate";
      var current = definition[key] ? definition[key].body : "";
      field(labels["Timer (e.g. deadline(\"acceptance\"))"], area(current, expression(element, key, "timer")));
      if (type === "bpmn:BoundaryEvent") {
        field(labels["Notify"], choiceField(["reminder", "escalation"], props.notify, function (v) { setProperty(element, "notify", v); }));
      }
    }
  }

  // The reminder before the due date and the escalation at it: two non-interrupting timers marked `notify`,
  // whose expressions follow the task's own limit (see docs/modeling.md). A timer the task has already (every
  // shipped step has both) is brought in line with the task's limit rather than added a second time.
  function dueExpression(props) {
    if (props.limit && props.limit_from) { return "deadline_after(\"" + props.limit + "\", " + props.limit_from + ")"; }
    if (props.limit) { return "deadline(\"" + props.limit + "\")"; }
    if (props.limit_from) { return "deadline_from(" + props.limit_from + ")"; }
    return "";
  }

  function addNotices(task) {
    var due = dueExpression(properties(task.businessObject));
    if (!due) { window.alert(labels["Choose a time limit first."]); return; }
    var factory = modeler.get("elementFactory");
    [["reminder", "remind_at(" + due + ")", 0.3], ["escalation", due, 0.75]].forEach(function (spec) {
      var timer = (task.attachers || []).filter(function (a) { return properties(a.businessObject).notify === spec[0]; })[0];
      if (!timer) {
        var shape = factory.createShape({ type: "bpmn:BoundaryEvent", eventDefinitionType: "bpmn:TimerEventDefinition" });
        timer = modeling.createShape(shape, { x: task.x + task.width * spec[2], y: task.y + task.height }, task, { attach: true });
        modeling.updateProperties(timer, { cancelActivity: false });
        modeling.updateLabel(timer, labels[spec[0] === "reminder" ? "Reminder" : "Escalation"]);
        setProperty(timer, "notify", spec[0]);
        var end = factory.createShape({ type: "bpmn:EndEvent" });
        modeling.appendShape(timer, end, { x: timer.x + 18 + (spec[0] === "reminder" ? -40 : 40), y: timer.y + 90 });
      }
      var definition = timer.businessObject.eventDefinitions[0];
      modeling.updateModdleProperties(timer, definition, { timeDate: moddle.create("bpmn:FormalExpression", { body: spec[1] }) });
    });
  }

  var ui = window.rcjcEditor;
  ui.onProblems(function (problems) {
    registry.getAll().forEach(function (el) { canvas.removeMarker(el.id, "rcjc-problem"); });
    problems.forEach(function (p) {
      if (p.element_id && registry.get(p.element_id)) { canvas.addMarker(p.element_id, "rcjc-problem"); }
    });
  });

  function save() {
    return modeler.saveXML({ format: true }).then(function (result) { return ui.save(result.xml, "application/xml"); });
  }

  fetch(holder.dataset.xml, { credentials: "same-origin" })
    .then(function (r) { return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      modeling = modeler.get("modeling");
      moddle = modeler.get("moddle");
      canvas = modeler.get("canvas");
      registry = modeler.get("elementRegistry");
      fitBesidePalette();
      modeler.get("eventBus").on("selection.changed", function (event) { show(event.newSelection[0] || null); });
      show(null);
      document.getElementById("save").addEventListener("click", save);
      holder.dataset.rendered = "true";
      return ui.showProblems();
    })
    .catch(function (error) {
      holder.dataset.rendered = "error";
      ui.status.textContent = error.message;
    });
})();
