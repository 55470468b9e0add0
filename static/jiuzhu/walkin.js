/* The walk-in form's tables (Django formsets, templates/registry/_walkin_table.html): an add
   button copies its section's blank row (<template id="PREFIX-template">), a remove button
   takes a row out and numbers the others again, and each income or asset row's member list
   follows the member rows as they are typed. */
(function () {
  "use strict";

  function body(prefix) { return document.querySelector('tbody[data-rows="' + prefix + '"]'); }
  function rows(prefix) { return Array.prototype.slice.call(body(prefix).children); }
  function total(prefix) { return document.getElementById("id_" + prefix + "-TOTAL_FORMS"); }
  function factSelects() {
    return document.querySelectorAll(
      'tbody[data-rows="incomes"] select[name$="-person"], tbody[data-rows="assets"] select[name$="-person"]');
  }

  /* Rows are numbered 0, 1, 2… in every name and id, as the formset reads them. */
  function renumber(prefix) {
    var pattern = new RegExp("^(id_)?" + prefix + "-\\d+-");
    rows(prefix).forEach(function (tr, i) {
      tr.querySelector(".row-no").textContent = i + 1;
      tr.querySelectorAll("[name], [id], [for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) {
            el.setAttribute(attr, value.replace(pattern, function (m, id) {
              return (id || "") + prefix + "-" + i + "-";
            }));
          }
        });
      });
    });
    total(prefix).value = rows(prefix).length;
  }

  /* Each fact's member list: "全户" and the member rows with the names typed so far. */
  function memberOptions() {
    var names = rows("members").map(function (tr) {
      var input = tr.querySelector('input[name$="-name"]');
      return input ? input.value.trim() : "";
    });
    factSelects().forEach(function (select) {
      var value = select.value;
      select.length = 1;
      names.forEach(function (name, i) {
        select.add(new Option(("第" + (i + 1) + "名成员 " + name).trim(), String(i + 1)));
      });
      select.value = Number(value) <= names.length ? value : "";
    });
  }

  /* A member row taken out: facts of that member go to the household, later rows move up. */
  function memberRemoved(row) {
    factSelects().forEach(function (select) {
      var n = Number(select.value);
      if (n === row) select.value = "";
      else if (n > row) select.value = String(n - 1);
    });
  }

  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add-row]");
    if (add) {
      var prefix = add.getAttribute("data-add-row");
      var most = Number(document.getElementById("id_" + prefix + "-MAX_NUM_FORMS").value);
      if (rows(prefix).length >= most) return;
      var html = document.getElementById(prefix + "-template").innerHTML;
      body(prefix).insertAdjacentHTML("beforeend", html.replace(/__prefix__/g, rows(prefix).length));
      renumber(prefix);
      memberOptions();
      var first = body(prefix).lastElementChild.querySelector("input, select");
      if (first) first.focus();
      return;
    }
    var remove = e.target.closest("[data-remove-row]");
    if (remove) {
      var tr = remove.closest("tr");
      var from = tr.parentElement.getAttribute("data-rows");
      if (from === "members") memberRemoved(rows(from).indexOf(tr) + 1);
      tr.remove();
      renumber(from);
      memberOptions();
    }
  });

  document.addEventListener("input", function (e) {
    if (e.target.matches('tbody[data-rows="members"] input[name$="-name"]')) memberOptions();
  });
})();
