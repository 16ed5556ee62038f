// Benefit check: a print button, and every collapsed section opened for printing (the page works without it;
// browsers print with Ctrl+P too).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("#result details").forEach(function (d) { d.setAttribute("open", ""); });
});
