// The SPARQL page: load an example into the editor, run with Ctrl/Cmd+Enter, POST a query too long for a URL.
(function () {
  "use strict";
  var MAX_URL = 6000;

  function ready(form) {
    var textarea = form.querySelector("textarea[name=query]");
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
    var graphInputs = form.querySelectorAll("input[type=url]");
    form.addEventListener("submit", function () {
      graphInputs.forEach(function (input) { input.disabled = !input.value; });
      var data = new URLSearchParams(new FormData(form)).toString();
      form.method = data.length > MAX_URL ? "post" : "get";
    });
    window.addEventListener("pageshow", function () {
      graphInputs.forEach(function (input) { input.disabled = false; });
    });
    document.querySelectorAll("button.load[data-query]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        textarea.value = document.getElementById(button.dataset.query).textContent;
        textarea.focus();
        form.scrollIntoView({ behavior: "smooth", block: "start" });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("sparql-form");
    if (form) { ready(form); }
  });
})();
