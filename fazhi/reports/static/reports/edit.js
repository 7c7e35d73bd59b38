// The report editor: a suggested cause, clicked, fills the cause field for the writer to edit;
// a point the draft left out for length, clicked, goes into section one where the cursor
// stands (or at its end), and the preview follows.
document.addEventListener("click", function (e) {
  var b = e.target.closest("button.suggestion");
  if (b) {
    var input = document.getElementById(b.dataset.target);
    if (input) { input.value = b.dataset.text; input.focus(); }
    return;
  }
  var p = e.target.closest("button.insert-point");
  if (!p) return;
  var area = document.getElementById(p.dataset.target);
  if (!area || area.readOnly) return;
  var at = area.selectionStart == null ? area.value.length : area.selectionEnd;
  if (document.activeElement !== area && area.dataset.touched !== "1") at = area.value.length;
  area.value = area.value.slice(0, at) + p.dataset.text + area.value.slice(at);
  area.focus();
  area.selectionStart = area.selectionEnd = at + p.dataset.text.length;
  area.dispatchEvent(new Event("input", { bubbles: true }));
  p.closest("li").remove();
});
document.addEventListener("focusin", function (e) {
  if (e.target.id === "section-1") e.target.dataset.touched = "1";
});
