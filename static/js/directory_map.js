/* 돌봄지도: Leaflet map beside the list. Grid clustering, no external services; the list works without it. */
(function () {
  "use strict";
  var el = document.getElementById("dir-map");
  if (!el || typeof L === "undefined") { return; }

  // Words come from the page (data-label-*), so the map speaks the page's language.
  var labels = {
    vacancy: el.dataset.labelVacancy || "빈자리 있음",
    approximate: el.dataset.labelApproximate || "(대략 위치)",
    cluster: el.dataset.labelCluster || "시설 N곳",
    zoom: el.dataset.labelZoom || "눌러서 확대"
  };
  function clusterLabel(n) { return labels.cluster.replace("N", String(n)); }
  var center = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  var map = L.map(el, { zoomControl: true, attributionControl: true }).setView(center, 14);
  var tiles = el.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
    var boundaryUrl = el.dataset.boundaries + (el.dataset.sido ? "?sido=" + encodeURIComponent(el.dataset.sido) : "");
    fetch(boundaryUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (gj) {
        if (!gj) { return; }
        L.geoJSON(gj, {
          style: { color: "#5b7083", weight: 1, fillColor: "#eef3f8", fillOpacity: 0.6 },
          onEachFeature: function (f, layer) {
            var name = (f.properties && (f.properties.name || f.properties.SGGNM)) || "";
            if (name) { layer.bindTooltip(name, { sticky: true }); }
          }
        }).addTo(map).bringToBack();
      })
      .catch(function () {});
  }

  // Start on the listed facilities (and the search origin), so map and list agree.
  var listed = [];
  document.querySelectorAll(".dir-results li[data-id]").forEach(function (li) {
    var lat = parseFloat(li.dataset.lat), lng = parseFloat(li.dataset.lng);
    if (!isNaN(lat) && !isNaN(lng)) { listed.push([lat, lng]); }
  });
  if (listed.length) {
    listed.push(center);
    map.fitBounds(L.latLngBounds(listed), { maxZoom: 16, padding: [20, 20] });
  }
  L.circleMarker(center, { radius: 5, color: "#c0392b", weight: 2, fillOpacity: 1, interactive: false }).addTo(map);

  var layer = L.layerGroup().addTo(map);
  var CELL = 56;
  var points = [];

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw() {
    layer.clearLayers();
    var cells = {};
    points.forEach(function (p) {
      var px = map.latLngToLayerPoint(p.latlng);
      var key = Math.floor(px.x / CELL) + ":" + Math.floor(px.y / CELL);
      (cells[key] = cells[key] || []).push(p);
    });
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      if (group.length === 1 || map.getZoom() >= 18) {
        group.forEach(function (p) {
          var m = L.circleMarker(p.latlng, {
            radius: 7, weight: 2, color: p.approximate ? "#8a6d3b" : "#1f5fa8",
            fillColor: p.vacancy ? "#2e8b57" : "#ffffff", fillOpacity: 0.9
          });
          m.bindPopup('<a href="/facilities/' + p.id + '/">' + esc(p.name) + "</a><br>" + esc(p.type) +
            (p.vacancy ? "<br>" + esc(labels.vacancy) : "") + (p.approximate ? "<br>" + esc(labels.approximate) : ""));
          m.addTo(layer);
        });
        return;
      }
      var lat = 0, lng = 0;
      group.forEach(function (p) { lat += p.latlng.lat; lng += p.latlng.lng; });
      var c = L.latLng(lat / group.length, lng / group.length);
      var size = group.length < 10 ? 30 : group.length < 100 ? 38 : 46;
      var icon = L.divIcon({
        className: "dir-cluster", iconSize: [size, size],
        html: '<span aria-label="' + esc(clusterLabel(group.length)) + '">' + group.length + "</span>"
      });
      L.marker(c, { icon: icon, keyboard: true, title: clusterLabel(group.length) + ", " + labels.zoom })
        .on("click", function () { map.setView(c, Math.min(map.getZoom() + 2, 18)); })
        .addTo(layer);
    });
  }

  var pending = null;
  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
    var url = el.dataset.api + "?bbox=" + bbox + (el.dataset.query ? "&" + el.dataset.query : "");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (fc) {
        points = fc.features.map(function (f) {
          return {
            id: f.properties.id, name: f.properties.name, type: f.properties.type,
            vacancy: f.properties.vacancy, approximate: f.properties.approximate,
            latlng: L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0])
          };
        });
        draw();
      })
      .catch(function () {});
  }

  var timer = null;
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
  map.on("zoomend", draw);
  load();

  // The list and the map show the same facilities: focusing a list item centres the map on it.
  document.querySelectorAll(".dir-results li[data-id]").forEach(function (li) {
    var lat = parseFloat(li.dataset.lat), lng = parseFloat(li.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) { return; }
    li.addEventListener("focusin", function () { map.panTo([lat, lng]); });
    li.addEventListener("mouseenter", function () { map.panTo([lat, lng]); });
  });
})();
