// The review detail's keys: J opens the next item of the queue, K the previous one (the
// links marked data-mf-key). Never while typing in a field, nor with a modifier held.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(
      target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (typing(event.target) || event.isComposing) {
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (key !== "j" && key !== "k") {
      return;
    }
    var link = document.querySelector('a[data-mf-key="' + key + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
