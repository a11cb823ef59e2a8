// Live preview of the editor's Markdown: posts the body (debounced) and shows the
// HTML the server rendered and sanitised with the readers' pipeline. Without this
// file the "Xem trước" button renders the same preview server-side.
(function () {
  "use strict";
  var body = document.getElementById("noi_dung");
  var target = document.getElementById("_xem-truoc");
  var form = document.getElementById("_bieu-mau-bien-tap");
  if (!body || !target || !form || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var sent = 0;

  function show() {
    var number = ++sent;
    var data = new FormData();
    data.append("noi_dung", body.value);
    data.append("tieu_de", (document.getElementById("tieu_de") || {}).value || "");
    var token = form.querySelector("input[name=csrf_token]");
    fetch(body.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    })
      .then(function (response) {
        // 422: the server's reasons (too large, too slow to render) instead of a preview.
        return response.ok || response.status === 422 ? response.text() : null;
      })
      .then(function (html) {
        // Sanitised or escaped by the server; the newest answer wins.
        if (html !== null && number === sent) { target.innerHTML = html; }
      })
      .catch(function () { /* the preview button still works */ });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(show, 600);
  });
  show();
}());
