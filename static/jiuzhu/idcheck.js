/* Resident ID numbers checked as they are typed (GB 11643: ISO 7064 MOD 11-2 check character),
   with the birth date and sex the number holds shown beside the field. The server checks again
   with jiuzhu/core/idnumber.py, whose rules and messages this follows.
   Any <input data-idcheck> gets it; the text goes to the element whose id is the input's id
   followed by "-derived". */
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  var PROVINCES = /^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|81|82)/;

  function normalise(raw) {
    return raw.replace(/\s+/g, "")
      .replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[xｘＸ]/g, "X");
  }

  function checkDigit(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(first17[i]) * WEIGHTS[i];
    return CHECK[total % 11];
  }

  /* {ok, text} for a complete number; null while it is still being typed. */
  function check(raw, finished) {
    var text = normalise(raw);
    if (!text) return null;
    var bad = text.search(/[^0-9X]/);
    if (bad >= 0) return { ok: false, text: "含有非法字符：第" + (bad + 1) + "位“" + text[bad] + "”" };
    if (text.indexOf("X") >= 0 && (text.length !== 18 || text.indexOf("X") !== 17)) {
      return { ok: false, text: "X只能出现在18位号码的最后一位" };
    }
    if (text.length < 18 && !(finished && text.length === 15)) {
      return finished ? { ok: false, text: "应为18位（或15位旧号码），实际为" + text.length + "位" }
                      : { ok: null, text: "已输入" + text.length + "位" };
    }
    if (text.length > 18) return { ok: false, text: "应为18位，实际为" + text.length + "位" };
    if (text.length === 15) {  /* an old number: "19" into the year, its check character added */
      text = text.slice(0, 6) + "19" + text.slice(6);
      text += checkDigit(text);
    }
    if (text.slice(0, 6) === "000000" || !PROVINCES.test(text)) {
      return { ok: false, text: "前6位地区码无效：" + text.slice(0, 6) };
    }
    var y = Number(text.slice(6, 10)), m = Number(text.slice(10, 12)), d = Number(text.slice(12, 14));
    var born = new Date(y, m - 1, d);
    if (born.getFullYear() !== y || born.getMonth() !== m - 1 || born.getDate() !== d) {
      return { ok: false, text: "号码中的出生日期无效：" + text.slice(6, 14) };
    }
    if (y < 1900) return { ok: false, text: "号码中的出生日期早于1900年1月1日" };
    if (born > new Date()) return { ok: false, text: "号码中的出生日期晚于今天" };
    var expected = checkDigit(text.slice(0, 17));
    if (text[17] !== expected) {
      return { ok: false, text: "校验位错误：末位应为" + expected + "，实际为" + text[17] };
    }
    var sex = Number(text[16]) % 2 === 1 ? "男" : "女";
    return { ok: true, text: "出生日期 " + y + "年" + m + "月" + d + "日 · " + sex };
  }

  function show(input, finished) {
    var out = document.getElementById(input.id + "-derived");
    if (!out) return;
    var result = check(input.value, finished);
    out.textContent = result ? result.text : "";
    out.className = "small id-derived " + (result && result.ok === true ? "text-success"
      : result && result.ok === false ? "text-danger" : "text-muted");
    /* a number the server refused (aria-invalid, e.g. already registered) is not shown as
       good until it is edited */
    var refused = input.getAttribute("aria-invalid") === "true";
    input.classList.toggle("is-invalid", refused || (!!result && result.ok === false));
    input.classList.toggle("is-valid", !refused && !!result && result.ok === true);
  }

  function each(finished) {
    document.querySelectorAll("input[data-idcheck]").forEach(function (input) {
      if (input.value) show(input, finished);
    });
  }

  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-idcheck]")) {
      e.target.removeAttribute("aria-invalid");
      show(e.target, false);
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[data-idcheck]")) show(e.target, true);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { each(true); });
  } else {
    each(true);
  }
  window.jiuzhuIdCheck = check;
})();
