/* The SLA board's countdowns: each [data-deadline] ticks every second on the client, from the
   service's own clock (the board's data-generated time, taken as "now" when it arrived). */
(function () {
  "use strict";
  var skew = 0;
  var seen = null;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function hms(total) {
    var sign = total < 0 ? "-" : "";
    total = Math.abs(total);
    return sign + pad(Math.floor(total / 3600)) + ":" + pad(Math.floor(total % 3600 / 60)) + ":" + pad(total % 60);
  }
  function sync() {
    var board = document.querySelector("[data-generated]");
    if (board && board !== seen) {
      seen = board;
      var generated = Date.parse(board.getAttribute("data-generated"));
      if (!isNaN(generated)) { skew = generated - Date.now(); }
    }
  }
  function tick() {
    sync();
    var now = Date.now() + skew;
    var clocks = document.querySelectorAll("[data-deadline]");
    for (var i = 0; i < clocks.length; i++) {
      var deadline = Date.parse(clocks[i].getAttribute("data-deadline"));
      if (isNaN(deadline)) { continue; }
      var left = Math.floor((deadline - now) / 1000);
      clocks[i].textContent = hms(left);
      clocks[i].classList.toggle("late", left < 0);
    }
  }
  // a township the user folded stays folded when the board is refreshed
  var folded = {};
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (d && d.classList && d.classList.contains("township")) { folded[d.getAttribute("data-key")] = !d.open; }
  }, true);
  document.addEventListener("htmx:afterSwap", function () {
    var all = document.querySelectorAll("details.township");
    for (var i = 0; i < all.length; i++) {
      if (folded[all[i].getAttribute("data-key")]) { all[i].open = false; }
    }
    tick();
  });
  document.addEventListener("DOMContentLoaded", tick);
  setInterval(tick, 1000);
})();
