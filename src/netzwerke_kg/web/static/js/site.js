/* netzwerke-kg: sortable tables. Pages work without it; with it, the column headers of every
 * table.sortable become buttons that sort the rows (again: the other direction). A cell's
 * data-sort wins over its text, so dates sort by their ISO form while showing "20. September 1991".
 * Names compare with Intl.Collator in the page language (Ä next to A in German). No dependencies. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });

  /** The value a cell sorts by. */
  function key(cell) {
    if (!cell) return "";
    var explicit = cell.getAttribute("data-sort");
    return explicit !== null ? explicit : cell.textContent.trim();
  }

  /** Sort the first tbody of `table` by column `index`, ascending unless `descending`. */
  function sortBy(table, index, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      if (x === "" && y !== "") return 1;   // empty cells last, whichever the direction
      if (y === "" && x !== "") return -1;
      var order = collator.compare(x, y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortBy(table, index, descending);
      });
    });
  });
})();
