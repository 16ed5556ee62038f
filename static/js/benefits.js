// Benefit check, progressive enhancements (the page works without them):
// a print button, collapsed sections opened for printing, and region names suggested as you type.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("#result details").forEach(function (d) { d.setAttribute("open", ""); });
});
document.querySelectorAll("input[data-region-search]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var last = "";
  if (!list) { return; }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 2 || q === last) { return; }
    timer = setTimeout(function () {
      last = q;
      fetch("/api/v1/regions?limit=10&q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (rows) {
          list.textContent = "";
          rows.forEach(function (row) {
            if (row.level === "emd" && rows.length > 5) { return; }
            var option = document.createElement("option");
            option.value = row.full_name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 200);
  });
});
