// Border check: a keyboard-wedge scanner types the MRZ lines, each followed by Enter. Enter adds a
// line break until the MRZ is complete (2 lines of 44 or 36 characters, or 3 of 30); the Enter
// after the last line submits the check. Shift+Enter always adds a line break.
(function () {
  "use strict";
  var area = document.getElementById("mrz");
  var form = document.getElementById("check-form");
  if (!area || !form) { return; }
  function complete(text) {
    var lines = text.split(/\r?\n/).map(function (l) { return l.replace(/\s+/g, ""); })
      .filter(function (l) { return l.length > 0; });
    if (lines.length === 0) { return false; }
    var width = lines[0].length;
    if (!lines.every(function (l) { return l.length === width; })) { return false; }
    return (lines.length === 2 && (width === 44 || width === 36)) ||
      (lines.length === 3 && width === 30);
  }
  area.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey) { return; }
    if (complete(area.value)) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });
})();
