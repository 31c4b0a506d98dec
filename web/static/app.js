// Huanxin progressive enhancement. Every page works without this file.
//
// 1. <form data-progress="正在上传…"> (multipart uploads): sent with
//    XMLHttpRequest so a <progress> bar can show the upload; the response
//    page (after any redirect) replaces the current one. Browsers without
//    XHR2/FormData, and network errors, fall back to a normal submit.
// 2. <select data-autosubmit> (the jurisdiction switcher): submits its form
//    when a choice is made with the mouse or touch, or with Enter from the
//    keyboard (arrow keys only move, so keyboard users are not surprised).
// 3. A .table-wrap that scrolls (a wide table on a phone, in large text)
//    can be focused and scrolled with the keyboard, named by its table's
//    caption or the heading before it.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  function uploadable() {
    return window.XMLHttpRequest && window.FormData && "upload" in new XMLHttpRequest();
  }

  doc.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-progress") || e.defaultPrevented || !uploadable()) {
      return;
    }
    e.preventDefault();
    var data;
    try {
      data = new FormData(form, e.submitter || null);
    } catch (err) {
      data = new FormData(form);
      if (e.submitter && e.submitter.name) {
        data.append(e.submitter.name, e.submitter.value);
      }
    }
    var bar = doc.createElement("progress");
    bar.className = "upload";
    bar.max = 100;
    bar.setAttribute("aria-label", form.getAttribute("data-progress") || "…");
    form.appendChild(bar);
    var buttons = form.querySelectorAll("button, input[type=submit]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true;
    }

    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action);
    xhr.responseType = "document";
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) {
        bar.value = Math.round((p.loaded / p.total) * 100);
      }
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value"); // indeterminate while the server works
    };
    xhr.onload = function () {
      var page = xhr.response;
      if (!page || !page.documentElement) { // not HTML: show it the plain way
        location.assign(xhr.responseURL || location.href);
        return;
      }
      if (xhr.responseURL && xhr.responseURL !== location.href) {
        history.pushState(null, "", xhr.responseURL);
      }
      doc.replaceChild(doc.adoptNode(page.documentElement), doc.documentElement);
      doc.documentElement.classList.add("js");
      scrollables();
      var focus = doc.querySelector("[role=alert], .flash, #main");
      if (focus) {
        if (!focus.hasAttribute("tabindex")) {
          focus.setAttribute("tabindex", "-1");
        }
        focus.focus();
      }
      window.scrollTo(0, 0);
    };
    xhr.onerror = function () {
      HTMLFormElement.prototype.submit.call(form); // let the browser try and report
    };
    xhr.send(data);
  });

  var keyed = false;
  doc.addEventListener("keydown", function (e) {
    var s = e.target;
    if (!s.hasAttribute || !s.hasAttribute("data-autosubmit")) {
      return;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      submit(s.form);
    } else {
      keyed = e.key !== "Tab";
    }
  });
  doc.addEventListener("change", function (e) {
    var s = e.target;
    if (s.hasAttribute && s.hasAttribute("data-autosubmit") && !keyed) {
      submit(s.form);
    }
    keyed = false;
  });
  doc.addEventListener("mousedown", function () { keyed = false; });

  function scrollables() {
    var wraps = doc.querySelectorAll(".table-wrap:not([tabindex])");
    for (var i = 0; i < wraps.length; i++) {
      var w = wraps[i];
      if (w.scrollWidth <= w.clientWidth && w.scrollHeight <= w.clientHeight) {
        continue;
      }
      w.setAttribute("tabindex", "0");
      var name = w.querySelector("caption") || w.previousElementSibling;
      if (name && (name.tagName === "CAPTION" || /^H[2-4]$/.test(name.tagName))) {
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", name.textContent.trim());
      }
    }
  }
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", scrollables);
  } else {
    scrollables();
  }
  window.addEventListener("resize", scrollables);

  function submit(form) {
    if (!form) {
      return;
    }
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }
})();
