/* The activity form, enhanced: Parties found by typing and shown as removable chips; financing and
   partner lines added and removed in place. Without this script the form works as it is: every
   Party is a checkbox under its group, "Add" posts the form back with one more line, and a line is
   removed by its own "Remove" box. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }

  function labelOf(box) {
    var label = form.querySelector('label[for="' + box.id + '"]');
    return label ? label.textContent.trim() : box.value;
  }

  /* --- Parties: a filter box and chips --- */
  var picker = form.querySelector("[data-party-picker]");
  if (picker) {
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
  }

  /* --- financing and partner lines --- */
  form.querySelectorAll("[data-formset]").forEach(function (set) {
    var prefix = set.dataset.formset;
    var rows = set.querySelector("[data-formset-rows]");
    var empty = set.querySelector("[data-formset-empty]");
    var add = set.querySelector("[data-formset-add]");
    var total = set.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = parseInt(set.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]').value, 10);

    var enhanceRow = function (row) {
      var remove = row.querySelector("[data-formset-delete]");
      if (!remove || remove.dataset.enhanced) { return; }
      remove.dataset.enhanced = "1";
      var box = remove.querySelector('input[type="checkbox"]');
      var label = remove.querySelector("label").textContent.trim();
      remove.hidden = true;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = label;
      button.setAttribute("aria-label", label + " (" + row.querySelector("legend").textContent.trim() + ")");
      button.addEventListener("click", function () {
        box.checked = true;
        row.hidden = true;
        if (add) { add.focus(); }
      });
      remove.parentNode.appendChild(button);
      if (box.checked) { row.hidden = true; }
    };

    rows.querySelectorAll("[data-formset-row]").forEach(enhanceRow);
    if (!add || !empty) { return; }
    add.type = "button";  // the page's script adds the line: the form is not posted
    add.removeAttribute("name");
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= max) { return; }
      var html = empty.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("[data-formset-row]");
      rows.appendChild(row);
      total.value = String(index + 1);
      enhanceRow(row);
      var first = row.querySelector("select, input:not([type=hidden]), textarea");
      if (first) { first.focus(); }
      add.hidden = index + 1 >= max;
    });
  });
})();
