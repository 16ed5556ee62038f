/* 수요 대비 공급 지도: 0–5 children as proportional circles, children per place as colour. The table beside the map
   holds the same figures; without JavaScript only the table is shown. No external services. */
(function () {
  "use strict";
  var el = document.getElementById("supply-map");
  var dataEl = document.getElementById("supply-map-data");
  if (!el || !dataEl || typeof L === "undefined") { return; }
  var points = JSON.parse(dataEl.textContent || "[]");
  if (!points.length) { el.hidden = true; return; }

  var map = L.map(el, { zoomControl: true, attributionControl: true, scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    var url = el.dataset.boundaries + (el.dataset.sido ? "?sido=" + encodeURIComponent(el.dataset.sido) : "");
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (gj) {
        if (!gj) { return; }
        L.geoJSON(gj, {
          interactive: false,
          style: { color: "#7a8a99", weight: 1, fillColor: "#eef3f8", fillOpacity: 0.7 }
        }).addTo(map).bringToBack();
      })
      .catch(function () {});
  }

  // five colour classes at the quintiles of children per place (darker = fewer places per child)
  var colours = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var values = points.map(function (p) { return p.per_place; })
    .filter(function (v) { return v !== null; }).sort(function (a, b) { return a - b; });
  var breaks = [];
  for (var i = 1; i < colours.length; i++) {
    breaks.push(values.length ? values[Math.min(values.length - 1, Math.floor(values.length * i / colours.length))] : 0);
  }
  function colour(v) {
    if (v === null) { return "#bdbdbd"; }
    for (var i = 0; i < breaks.length; i++) { if (v < breaks[i]) { return colours[i]; } }
    return colours[colours.length - 1];
  }
  var maxChildren = Math.max.apply(null, points.map(function (p) { return p.children || 0; })) || 1;
  var maxRadius = el.dataset.level === "dong" ? 22 : 28;
  var d = el.dataset;
  var bounds = [];
  points.forEach(function (p) {
    var radius = Math.max(3, maxRadius * Math.sqrt((p.children || 0) / maxChildren));
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: radius, color: "#333", weight: 1, fillColor: colour(p.per_place), fillOpacity: 0.85
    }).addTo(map);
    var text = p.name + " — " + d.labelChildren + " " + p.children.toLocaleString("ko-KR") + ", " +
      d.labelPlaces + " " + p.places.toLocaleString("ko-KR") + ", " + d.labelPerPlace + " " +
      (p.per_place === null ? d.labelNone : p.per_place);
    marker.bindTooltip(text);
    if (d.level === "sgg") {
      marker.on("click", function () { window.location.search = "?sgg=" + encodeURIComponent(p.code); });
    }
    bounds.push([p.lat, p.lng]);
  });
  map.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 14 });

  var legend = document.getElementById("supply-legend");
  if (legend) {
    var items = colours.map(function (c, i) {
      var lo = i === 0 ? null : breaks[i - 1], hi = i < breaks.length ? breaks[i] : null;
      var label = lo === null ? "< " + hi : hi === null ? "≥ " + lo : lo + "–" + hi;
      return '<span><i style="background:' + c + '"></i>' + label + "</span>";
    });
    items.push('<span><i style="background:#bdbdbd"></i>' + d.labelNone + "</span>");
    legend.innerHTML = "<span>" + d.labelPerPlace + ":</span>" + items.join("");
  }
})();
