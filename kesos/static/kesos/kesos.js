// Region picker: a new choice at one level empties the levels below it (htmx then loads the
// next level's options), and a level is usable only once it has options.
(function () {
  "use strict";
  function pickerSelects(select) {
    var picker = select.closest("[data-region-picker]");
    return picker ? picker.querySelectorAll("select[data-region-level]") : [];
  }
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-region-level]")) return;
    var level = Number(select.dataset.regionLevel);
    pickerSelects(select).forEach(function (other) {
      if (Number(other.dataset.regionLevel) > level) {
        other.length = 1;
        other.value = "";
        other.disabled = true;
      }
    });
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.matches && target.matches("select[data-region-level]")) {
      target.disabled = target.options.length <= 1;
    }
  });
})();
