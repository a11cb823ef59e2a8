// Search box autocomplete: fills the datalist with document numbers and titles.
// The form works without this file; it only adds suggestions while typing.
(function () {
  "use strict";
  var input = document.getElementById("_o-tim-kiem");
  var list = document.getElementById("_goi-y-tim-kiem");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var lastAsked = "";

  function fill(completions) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    completions.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.label;
      option.textContent = item.title;  // text, never HTML
      list.appendChild(option);
    });
  }

  function ask() {
    var typed = input.value;
    if (typed.trim().length < 2 || typed === lastAsked) { return; }
    lastAsked = typed;
    var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(typed);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { completions: [] }; })
      .then(function (data) { if (input.value === typed) { fill(data.completions || []); } })
      .catch(function () { /* suggestions are optional */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
}());
