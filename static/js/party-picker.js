/* A choice of Parties (templates/parties/_party_picker.html), enhanced: a type-to-filter box and the
   chosen Parties as removable chips. Without this script every Party is a checkbox under its group. */
(function () {
  "use strict";

  function labelOf(box) {
    var label = document.querySelector('label[for="' + box.id + '"]');
    return label ? label.textContent.trim() : box.value;
  }

  document.querySelectorAll("[data-party-picker]").forEach(function (picker) {
    var tools = picker.querySelector("[data-party-tools]");
    var filter = picker.querySelector("[data-party-filter]");
    var chips = picker.querySelector("[data-party-chips]");
    var none = picker.querySelector("[data-party-none]");
    var nomatch = picker.querySelector("[data-party-nomatch]");
    var status = picker.querySelector("[data-party-status]");
    var chipTemplate = picker.querySelector("[data-chip-template]");
    var boxes = Array.prototype.slice.call(picker.querySelectorAll('[data-party-row] input[type="checkbox"]'));
    tools.hidden = false;

    var say = function (text) { status.textContent = text; };

    var renderChips = function () {
      chips.textContent = "";
      boxes.forEach(function (box) {
        if (!box.checked) { return; }
        var chip = chipTemplate.content.firstElementChild.cloneNode(true);
        var name = labelOf(box);
        chip.querySelectorAll("[data-chip-name]").forEach(function (el) { el.textContent = name; });
        chip.querySelector("[data-chip-remove]").addEventListener("click", function () {
          var items = Array.prototype.slice.call(chips.querySelectorAll("[data-chip-remove]"));
          var at = items.indexOf(this);
          box.checked = false;
          renderChips();
          say(picker.dataset.removedText.replace("%s", name));
          var rest = chips.querySelectorAll("[data-chip-remove]");
          (rest[Math.min(at, rest.length - 1)] || filter).focus();
        });
        chips.appendChild(chip);
      });
      none.hidden = chips.children.length > 0;
    };

    var applyFilter = function () {
      var words = filter.value.trim().toLocaleLowerCase();
      var shown = 0;
      picker.querySelectorAll("[data-party-group]").forEach(function (group) {
        var any = false;
        group.querySelectorAll("[data-party-row]").forEach(function (row) {
          var box = row.querySelector("input");
          var match = !words || labelOf(box).toLocaleLowerCase().indexOf(words) !== -1;
          row.hidden = !match;
          any = any || match;
          if (match) { shown += 1; }
        });
        group.hidden = !any;
      });
      nomatch.hidden = shown > 0;
    };

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        renderChips();
        say((box.checked ? picker.dataset.addedText : picker.dataset.removedText).replace("%s", labelOf(box)));
      });
    });
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // choose the only match, never submit the form from here
        event.preventDefault();
        var visible = boxes.filter(function (box) { return !box.closest("[data-party-row]").hidden; });
        if (visible.length === 1) {
          visible[0].checked = true;
          visible[0].dispatchEvent(new Event("change"));
          filter.select();
        } else if (visible.length) {
          visible[0].focus();
        }
      }
    });
    renderChips();
  });
})();
