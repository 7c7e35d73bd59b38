// The report editor: a suggested cause, clicked, fills the cause field for the writer to edit.
document.addEventListener("click", function (e) {
  var b = e.target.closest("button.suggestion");
  if (!b) return;
  var input = document.getElementById(b.dataset.target);
  if (input) { input.value = b.dataset.text; input.focus(); }
});
