// samarkand dashboard: click a column header to sort a table (numbers by their data-sort value).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, idx) {
      th.addEventListener("click", function () {
        var asc = !th.classList.contains("asc");
        table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(asc ? "asc" : "desc");
        var numeric = th.dataset.kind !== "text";
        var shown = Array.prototype.filter.call(table.tBodies[0].rows,
                                                function (r) { return !r.classList.contains("extra"); }).length;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (ra, rb) {
          var a = ra.cells[idx].dataset.sort, b = rb.cells[idx].dataset.sort;
          var c;
          if (numeric) {
            var x = a === "" ? -Infinity : parseFloat(a), y = b === "" ? -Infinity : parseFloat(b);
            c = x - y;
          } else { c = String(a).localeCompare(String(b)); }
          return asc ? c : -c;
        });
        // the first rows stay the ones shown before "show all": the top of the new order
        rows.forEach(function (r, i) { r.classList.toggle("extra", i >= shown); body.appendChild(r); });
      });
    });
  });
});
