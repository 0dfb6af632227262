// A select with more rows than the page loads: typing in its search box asks the
// server for matching rows and offers them (the chosen ones stay). A file, not an
// inline script, so the Content-Security-Policy can refuse every inline script.
document.querySelectorAll("input.picker-search").forEach((input) => {
  input.addEventListener("input", async () => {
    const select = document.getElementById(input.dataset.target);
    const response = await fetch(input.dataset.url + "?q=" + encodeURIComponent(input.value));
    const rows = await response.json();
    const kept = [...select.options].filter((option) => option.selected || option.value === "");
    const keptValues = kept.map((option) => option.value);
    const found = rows.filter((row) => !keptValues.includes(String(row.id)));
    select.replaceChildren(...kept, ...found.map((row) => new Option(row.label, row.id)));
  });
});
