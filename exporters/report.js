/* ftl report: the timeline filter and the session and table views.
 * Evidence text only ever reaches the page through textContent, never as
 * markup, and the data comes from the JSON block, so nothing in the
 * evidence can run. No network requests: the page works from a USB stick. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ftl-data").textContent);
  var C = {};
  data.cols.forEach(function (name, i) { C[name] = i; });
  var PAGE = 300;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function $(id) { return document.getElementById(id); }

  /* ---- the timeline ---- */
  var shown = 0, matches = [];
  var hay = data.events.map(function (r) {
    return [r[C.message], r[C.actor], r[C.target], r[C.ip], r[C.action], r[C.source],
            r[C.findings], r[C.link], r[C.client]].join("\u0001").toLowerCase();
  });

  function eventRow(r) {
    var tr = el("tr");
    if (r[C.findings]) tr.className = "has-finding";
    ["time", "category", "source", "action", "actor", "target", "ip", "link", "session",
     "findings", "client", "message"].forEach(function (k) {
      var v = r[C[k]];
      var td = el("td", v === null || v === undefined ? "" : v);
      if (k === "session" && v) {
        td.className = "link";
        td.title = "show this session's events";
        td.addEventListener("click", function () { $("f-session").value = v; apply(); });
      }
      tr.appendChild(td);
    });
    return tr;
  }

  function renderMore() {
    var body = $("timeline-body"), end = Math.min(shown + PAGE, matches.length);
    for (; shown < end; shown++) body.appendChild(eventRow(data.events[matches[shown]]));
    $("timeline-more").hidden = shown >= matches.length;
    $("timeline-count").textContent = matches.length + " of " + data.events.length +
      " events in this report match" + (shown < matches.length ? " (" + shown + " shown)" : "");
  }

  function apply() {
    var text = $("f-text").value.toLowerCase(), cat = $("f-category").value;
    var actor = $("f-actor").value.toLowerCase(), from = $("f-from").value.trim();
    var to = $("f-to").value.trim(), session = $("f-session").value.trim();
    matches = [];
    for (var i = 0; i < data.events.length; i++) {
      var r = data.events[i];
      if (cat && r[C.category] !== cat) continue;
      if (actor && (r[C.actor] || "").toLowerCase().indexOf(actor) < 0) continue;
      if (from && r[C.time] < from) continue;
      if (to && r[C.time] >= to) continue;
      if (session && String(r[C.session]) !== session) continue;
      if (text && hay[i].indexOf(text) < 0) continue;
      matches.push(i);
    }
    var body = $("timeline-body");
    while (body.firstChild) body.removeChild(body.firstChild);
    shown = 0;
    renderMore();
  }

  var timer = null;
  ["f-text", "f-actor", "f-from", "f-to", "f-session"].forEach(function (id) {
    $(id).addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 150);
    });
  });
  $("f-category").addEventListener("change", apply);
  $("timeline-more").addEventListener("click", renderMore);
  $("f-clear").addEventListener("click", function () {
    ["f-text", "f-actor", "f-from", "f-to", "f-session"].forEach(function (id) { $(id).value = ""; });
    $("f-category").value = "";
    apply();
  });

  /* ---- sessions: pages, a state filter, and each session's events ---- */
  var S = {};
  data.scols.forEach(function (name, i) { S[name] = i; });
  var sshown = 0, smatches = [];
  var byId = {};
  data.events.forEach(function (r, i) {
    var s = r[C.session];
    if (s) (byId[s] = byId[s] || []).push(i);
  });

  /* sessions carry seconds since 1970 and an index into data.actors */
  function iso(sec) { return new Date(sec * 1000).toISOString().slice(0, 19) + "Z"; }
  function actorOf(s) { var i = s[S.actor]; return i === null ? "" : data.actors[i]; }

  function sessionRow(s) {
    var tr = el("tr", null, "session state-" + s[S.state]);
    ["id", "state", "method", "actor", "first", "last", "events", "ips", "apps", "credential"]
      .forEach(function (k) {
        var v = k === "actor" ? actorOf(s) : k === "first" || k === "last" ? iso(s[S[k]]) : s[S[k]];
        tr.appendChild(el("td", v));
      });
    tr.title = "click to show its events";
    tr.addEventListener("click", function () {
      var next = tr.nextSibling;
      if (next && next.className === "session-events") { next.parentNode.removeChild(next); return; }
      var row = el("tr", null, "session-events"), td = el("td");
      td.colSpan = 10;
      var list = byId[s[S.id]] || [], table = el("table", null, "inner"), tb = el("tbody");
      list.slice(0, 200).forEach(function (i) {
        var r = data.events[i], t = el("tr");
        ["time", "source", "action", "actor", "ip", "link", "message"].forEach(function (k) {
          t.appendChild(el("td", r[C[k]]));
        });
        tb.appendChild(t);
      });
      table.appendChild(tb);
      td.appendChild(table);
      var more = list.length - Math.min(list.length, 200), missing = s[S.events] - list.length;
      if (more > 0)
        td.appendChild(el("p", more + " more of its events are in the timeline: filter it by session " +
                                 s[S.id], "note"));
      if (missing > 0)
        td.appendChild(el("p", missing + " of its events are not in this report: ftl export CASE --session " +
                                 s[S.id], "note"));
      row.appendChild(td);
      tr.parentNode.insertBefore(row, tr.nextSibling);
    });
    return tr;
  }

  function sessionsMore() {
    var body = $("sessions-body"), end = Math.min(sshown + PAGE, smatches.length);
    for (; sshown < end; sshown++) body.appendChild(sessionRow(data.sessions[smatches[sshown]]));
    $("sessions-more").hidden = sshown >= smatches.length;
    $("sessions-count").textContent = smatches.length + " of " + data.sessions.length +
      " sessions" + (sshown < smatches.length ? " (" + sshown + " shown)" : "");
  }

  function sessionsApply() {
    var st = $("s-state").value, who = $("s-actor").value.toLowerCase();
    smatches = [];
    data.sessions.forEach(function (s, i) {
      if (st && s[S.state] !== st) return;
      if (who && actorOf(s).toLowerCase().indexOf(who) < 0) return;
      smatches.push(i);
    });
    var body = $("sessions-body");
    while (body.firstChild) body.removeChild(body.firstChild);
    sshown = 0;
    sessionsMore();
  }
  $("s-state").addEventListener("change", sessionsApply);
  $("s-actor").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(sessionsApply, 150);
  });
  $("sessions-more").addEventListener("click", sessionsMore);

  apply();
  sessionsApply();
  document.body.setAttribute("data-ready", "1");
})();
