"use strict";
(function () {
  var root = document.documentElement;
  var system = window.matchMedia("(prefers-color-scheme: dark)");
  var chosen = null;
  try { chosen = localStorage.getItem("studypack-theme"); } catch (e) { /* storage off */ }

  function applyTheme() {
    root.dataset.theme = chosen || (system.matches ? "dark" : "light");
  }
  applyTheme();
  system.addEventListener("change", applyTheme);

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("search");
    var shown = document.getElementById("shown");
    var nothing = document.getElementById("nothing");
    var cards = Array.prototype.map.call(document.querySelectorAll(".card"), function (card) {
      var formulas = Array.prototype.map.call(card.querySelectorAll("img[alt]"),
                                              function (img) { return img.alt; });
      var text = card.querySelector(".question").textContent + " "
        + card.querySelector(".answer").textContent + " " + formulas.join(" ");
      return { element: card, text: text.toLowerCase(), level: card.dataset.difficulty };
    });
    var topics = document.querySelectorAll(".topic");

    function filter() {
      var wanted = words(search.value);
      var level = document.querySelector("input[name=difficulty]:checked").value;
      var count = 0;
      cards.forEach(function (card) {
        var match = (level === "all" || card.level === level)
          && wanted.every(function (word) { return card.text.indexOf(word) !== -1; });
        card.element.hidden = !match;
        if (match) { count += 1; }
      });
      Array.prototype.forEach.call(topics, function (topic) {
        var label = topic.querySelector(".count");
        var total = Number(label.dataset.total);
        var visible = topic.querySelectorAll(".card:not([hidden])").length;
        var chip = document.querySelector('.contents a[href="#' + topic.id + '"]');
        topic.hidden = chip.hidden = visible === 0;
        chip.querySelector("span").textContent = visible;
        label.textContent = visible === total
          ? total + (total === 1 ? " card" : " cards") : visible + " of " + total;
      });
      shown.textContent = count + " of " + cards.length + " cards";
      nothing.hidden = count !== 0;
    }

    search.addEventListener("input", filter);
    document.querySelectorAll("input[name=difficulty]").forEach(function (input) {
      input.addEventListener("change", filter);
    });
    document.getElementById("theme").addEventListener("click", function () {
      chosen = root.dataset.theme === "dark" ? "light" : "dark";
      try { localStorage.setItem("studypack-theme", chosen); } catch (e) { /* storage off */ }
      applyTheme();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && document.activeElement !== search) {
        event.preventDefault();
        search.focus();
      } else if (event.key === "Escape" && document.activeElement === search) {
        search.value = "";
        filter();
      }
    });
    filter();  // the browser may restore a typed search on reload
  });
}());
