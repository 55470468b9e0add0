/* The dashboard's charts (ECharts, served locally): every series comes embedded in the page
   (json_script "dashboard-series"), so nothing is fetched; each chart opens its list on click. */
(function () {
  "use strict";

  var RED = "#dc3545";
  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384", "#0dcaf0"];

  function yuan(value) {
    var n = Number(value || 0);
    return "¥" + n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function monthLabel(m) {
    return m.slice(0, 4) + "年" + Number(m.slice(5, 7)) + "月";
  }

  function num(v) {
    return v === null || v === undefined ? null : Number(v);
  }

  function base(extra) {
    var option = {
      color: PALETTE,
      animation: false,
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      aria: { enabled: true }
    };
    Object.keys(extra).forEach(function (k) { option[k] = extra[k]; });
    return option;
  }

  function monthly(data, key, money) {
    var months = data.months;
    var series = data.programmes.map(function (p) {
      return {
        name: p.name,
        type: key === "amount" ? "bar" : "line",
        stack: key === "amount" ? "total" : undefined,
        connectNulls: false,
        data: (data.recipients[key][p.code] || []).map(function (v, i) {
          return { value: num(v), url: data.recipients.links[p.code][i] };
        })
      };
    });
    return base({
      xAxis: { type: "category", data: months.map(monthLabel) },
      yAxis: { type: "value", axisLabel: money ? { formatter: function (v) { return v >= 10000 ? v / 10000 + "万" : v; } } : {} },
      tooltip: {
        trigger: "axis", confine: true,
        valueFormatter: money ? yuan : function (v) { return v === null ? "尚未生成" : v; }
      },
      series: series
    });
  }

  function bars(items, opts) {
    opts = opts || {};
    return base({
      legend: { show: false },
      xAxis: { type: "category", data: items.map(function (i) { return i.label; }), axisLabel: { interval: 0, rotate: items.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis", confine: true },
      series: [{
        type: "bar",
        name: opts.name || "数量",
        data: items.map(function (i) {
          return { value: i.count, url: i.url, itemStyle: i.red ? { color: RED } : undefined };
        }),
        label: { show: true, position: "top" }
      }]
    });
  }

  // A chart whose every figure is zero says so in words (an empty grid reads as "not loaded").
  function noneYet(option, text) {
    option.graphic = [{ type: "text", left: "center", top: "middle", style: { text: text, fill: "#6c757d", fontSize: 14 } }];
    return option;
  }

  function bars0(items, text) {
    var option = bars(items);
    return items.some(function (i) { return i.count > 0; }) ? option : noneYet(option, text);
  }

  function withOverdue(block) {
    var items = block.items.slice();
    items.push({ label: "逾期", count: block.overdue.count, url: block.overdue.url, red: true });
    return items;
  }

  function findings(data) {
    var f = data.findings;
    if (!f.checks.length) {
      return noneYet(base({ xAxis: { type: "category", data: [] }, yAxis: { type: "value" }, series: [] }), "当前没有核查发现");
    }
    var series = f.statuses.map(function (s) {
      return {
        name: s.label, type: "bar", stack: "all",
        data: f.checks.map(function (c) {
          var cell = f.cells.filter(function (x) { return x.check === c.key && x.status === s.key; })[0];
          return { value: cell ? cell.count : 0, url: cell ? cell.url : "" };
        })
      };
    });
    return base({
      xAxis: { type: "category", data: f.checks.map(function (c) { return c.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
  }

  function townships(data) {
    var t = data.by_township;
    return base({
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", data: t.map(function (x) { return x.name; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: [{ type: "value", name: "户", minInterval: 1 }, { type: "value", name: "元", axisLabel: { formatter: function (v) { return v >= 10000 ? v / 10000 + "万" : v; } } }],
      series: [
        { name: "保障户数", type: "bar", data: t.map(function (x) { return { value: x.households, url: x.url }; }) },
        { name: "应发金额", type: "line", yAxisIndex: 1, tooltip: { valueFormatter: yuan }, data: t.map(function (x) { return { value: Number(x.amount), url: x.url }; }) }
      ]
    });
  }

  function payroll(data) {
    var paid = false;
    var series = data.programmes.map(function (p) {
      var values = (data.payroll.amount[p.code] || []).map(num);
      paid = paid || values.some(function (v) { return v > 0; });
      return { name: p.name, type: "bar", stack: "total", data: values };
    });
    var option = base({
      xAxis: { type: "category", data: data.months.map(monthLabel) },
      yAxis: { type: "value" },
      tooltip: { trigger: "axis", confine: true, valueFormatter: yuan },
      series: series
    });
    return paid ? option : noneYet(option, "近24个月尚无发放名册");
  }

  function recoveries(data) {
    var r = data.recoveries;
    var owed = r.items.some(function (i) { return i.count > 0; });
    var option = base({
      legend: { show: false },
      tooltip: { trigger: "axis", confine: true, valueFormatter: yuan },
      xAxis: { type: "category", data: r.items.map(function (i) { return i.label; }) },
      yAxis: { type: "value" },
      series: [{
        name: "未追回金额", type: "bar",
        data: r.items.map(function (i) { return { value: Number(i.outstanding), url: i.url }; }),
        label: { show: true, position: "top", formatter: function (p) { return yuan(p.value); } }
      }]
    });
    return owed ? option : noneYet(option, "当前没有待追回款项");
  }

  function coverage(data) {
    var c = data.coverage;
    return base({
      tooltip: { trigger: "item", confine: true },
      series: [{
        type: "pie", radius: ["45%", "70%"], top: 24,
        label: { formatter: "{b}\n{c}户（{d}%）" },
        data: [
          { name: "已纳入保障", value: c.covered, url: c.url },
          { name: "未纳入保障", value: c.monitored - c.covered, url: c.url, itemStyle: { color: RED } }
        ]
      }]
    });
  }

  function villages(data) {
    var items = data.villages.items;
    function point(v) {
      var odd = v.inclusion_outlier || v.exit_outlier;
      var small = v.households < data.villages.min_households;  // shown, never flagged
      return {
        name: v.township + v.name,
        value: [Math.round(v.inclusion * 1000) / 10, Math.round(v.exit * 1000) / 10, v.households],
        url: v.url,
        itemStyle: { color: odd ? RED : small ? "#adb5bd" : PALETTE[0], opacity: odd ? 1 : 0.7 },
        symbolSize: odd ? 14 : small ? 6 : 9
      };
    }
    return base({
      legend: { show: false },
      tooltip: {
        trigger: "item", confine: true,
        formatter: function (p) {
          return p.name + "<br>新纳入率 " + p.value[0] + "%，退出率 " + p.value[1] + "%<br>平均在保 " + p.value[2] + "户";
        }
      },
      xAxis: { type: "value", name: "新纳入率%", nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", name: "退出率%" },
      grid: { left: 8, right: 16, top: 36, bottom: 32, containLabel: true },
      series: [{ type: "scatter", data: items.map(point) }]
    });
  }

  var BUILDERS = {
    households: function (d) { return monthly(d, "households", false); },
    persons: function (d) { return monthly(d, "persons", false); },
    amount: function (d) { return monthly(d, "amount", true); },
    townships: townships,
    payroll: payroll,
    applications: function (d) { return bars0(withOverdue(d.applications), "当前没有在办申请"); },
    findings: findings,
    clues: function (d) { return bars0(withOverdue(d.clues), "当前没有问题线索"); },
    rectifications: function (d) { return bars0(withOverdue(d.rectifications), "当前没有整改事项"); },
    recoveries: recoveries,
    coverage: coverage,
    villages: villages
  };

  function linkOf(params) {
    return params.data && params.data.url ? params.data.url : "";
  }

  function start() {
    var began = performance.now();
    var node = document.getElementById("dashboard-series");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    var charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var build = BUILDERS[el.dataset.chart];
      if (!build) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data));
      chart.on("click", function (params) {
        var url = linkOf(params);
        if (url) { window.location.href = url; }
      });
      charts.push(chart);
    });
    document.querySelectorAll("[data-money]").forEach(function (el) { el.textContent = yuan(el.dataset.money); });
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(function () { charts.forEach(function (c) { c.resize(); }); });
      document.querySelectorAll(".chart").forEach(function (el) { ro.observe(el); });
    } else {
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    }
    document.body.dataset.chartsMs = String(Math.round(performance.now() - began));
    document.body.dataset.chartsReady = String(charts.length);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
