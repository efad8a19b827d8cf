/* Optional: link the text and the list both ways. The report reads the same without it. */
(function () {
  function lit(id, on) {
    document.querySelectorAll('[data-finding="' + id + '"]').forEach(function (el) { el.classList.toggle('lit', on); });
  }
  document.addEventListener('click', function (event) {
    var mark = event.target.closest && event.target.closest('mark[data-finding]');
    if (!mark) return;
    var item = document.getElementById('f-' + mark.getAttribute('data-finding'));
    if (item) { item.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); }
  });
  document.addEventListener('mouseover', function (event) {
    var el = event.target.closest && event.target.closest('[data-finding]');
    if (el) lit(el.getAttribute('data-finding'), true);
  });
  document.addEventListener('mouseout', function (event) {
    var el = event.target.closest && event.target.closest('[data-finding]');
    if (el) lit(el.getAttribute('data-finding'), false);
  });
})();
