// Saving an edited file into its draft: the revision it was loaded at travels along, so a stale save is refused.
window.rcjcEditor = (function () {
  "use strict";
  var holder = document.getElementById("editor") || document.getElementById("modeler");
  var status = document.getElementById("save-status");
  var labels = JSON.parse(holder.dataset.labels);
  var revision = holder.dataset.revision;

  // Lists this file's problems; `mark` (optional) is called with each so that an editor can show it in place.
  var mark = null;

  function showProblems() {
    return fetch(holder.dataset.problems, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (problems) {
        var list = document.getElementById("problems");
        list.textContent = "";
        var mine = problems.filter(function (p) { return p.file === holder.dataset.file || !p.file; });
        if (mark) { mark(mine); }
        mine.forEach(function (p) {
          var item = document.createElement("li");
          item.textContent = p.element_id ? p.element_id + "：" + p.reason : (p.line ? p.line + "：" : "") + p.reason;
          list.appendChild(item);
        });
      });
  }

  function save(body, contentType) {
    status.textContent = labels["Saving…"];
    status.className = "";
    return fetch(holder.dataset.save, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": contentType, "X-CSRFToken": holder.dataset.csrf, "X-Draft-Revision": String(revision) }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.error || String(response.status)); }
        revision = answer.revision;
        holder.dataset.revision = String(revision);
        status.textContent = labels["Saved."];
        return showProblems();
      });
    }).catch(function (error) {
      status.textContent = labels["Not saved: "] + error.message;
      status.className = "late";
    });
  }

  return {
    holder: holder, status: status, save: save, showProblems: showProblems,
    onProblems: function (callback) { mark = callback; }
  };
})();
