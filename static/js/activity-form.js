/* The activity form, enhanced: financing and partner lines added and removed in place (the Parties'
   filter and chips are static/js/party-picker.js). Without this script the form works as it is:
   "Add" posts the form back with one more line, and a line is removed by its own "Remove" box. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }

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
