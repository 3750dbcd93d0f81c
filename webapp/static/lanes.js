// Lanes are named by group key in the BPMN (the engine routes steps by it); people read the group's name. The
// renderer draws a lane with the name swapped in and the key put back at once, so a modeler saves the key.
(function () {
  "use strict";
  window.rcjcLaneNames = function (diagram, names) {
    var renderer = diagram.get("bpmnRenderer");
    var draw = renderer.drawShape;
    renderer.drawShape = function (gfx, element) {
      var bo = element.businessObject;
      var key = bo && bo.name;
      if (element.type !== "bpmn:Lane" || !key || !Object.prototype.hasOwnProperty.call(names, key)) {
        return draw.apply(this, arguments);
      }
      bo.name = names[key];
      try { return draw.apply(this, arguments); } finally { bo.name = key; }
    };
  };
})();
