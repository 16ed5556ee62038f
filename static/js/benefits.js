// Benefit check: a print button (the page works without it; browsers print with Ctrl+P too).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
