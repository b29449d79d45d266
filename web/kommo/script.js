// The Kommo widget: an AMD module, as Kommo loads it. It mounts a canvas in the lead card's right column,
// loads the WebAssembly booking widget from the relay, and is the widget's only door to the outside:
// every relay call goes through Kommo's $authorizedAjax, which adds the disposable token (X-Auth-Token).
define(['jquery'], function ($) {
  'use strict';

  // One WebAssembly instance per page, kept across render/destroy (Kommo re-renders on area changes).
  var shared = { module: null, canvas: null, focused: false, loading: null, started: false };

  function installKeyboardGuard() {
    // Emscripten's GLFW listens to keys on the whole window. Keys meant for Kommo's own fields must never
    // reach it: this guard runs first (registered before the widget loads) and stops them unless the
    // widget has focus. Text itself never goes through GLFW's keypress (which knows no IME, paste or
    // non-Latin layouts): a hidden textarea receives it and hands it over as UTF-8.
    if (shared.guard) return;
    shared.guard = function (event) {
      if (!shared.focused || event.type === 'keypress') event.stopImmediatePropagation();
    };
    ['keydown', 'keypress', 'keyup'].forEach(function (type) { window.addEventListener(type, shared.guard, true); });
    document.addEventListener('mousedown', function (event) {
      shared.focused = !!shared.canvas && event.target === shared.canvas;
      if (shared.focused) setTimeout(function () { shared.text.focus({ preventScroll: true }); }, 0);
      else if (shared.text && document.activeElement === shared.text) shared.text.blur();
    }, true);
  }

  function createTextInput() {
    var text = document.createElement('textarea');
    text.setAttribute('aria-hidden', 'true');
    text.setAttribute('autocomplete', 'off');
    text.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;resize:none;pointer-events:none';
    text.addEventListener('input', function () {
      // Line breaks and tabs arrive as key presses; only printable text is handed over here.
      var value = text.value.replace(/[\r\n\t]/g, '');
      text.value = '';
      if (value && shared.ready) shared.module.ccall('kb_input_text', null, ['string'], [value]);
    });
    return text;
  }

  return function () {
    var self = this;

    function settings() { return self.get_settings() || {}; }
    function relayUrl() { return String(settings().relay_url || '').replace(/\/+$/, ''); }
    function language() { return (window.APP && APP.lang_id) || 'en'; }
    function uiStrings() {
      var ui = self.i18n('ui');
      return JSON.stringify({ ui: ui || {} });
    }
    function currentLeadId() {
      var card = window.APP && APP.data && APP.data.current_card;
      return card && Number(card.element_type) === 2 ? Number(card.id) : 0;
    }

    function respond(id, status, text) {
      if (!shared.module) return;
      shared.module.ccall('kb_on_response', null, ['number', 'number', 'string'], [id, status, text || '']);
    }

    function host() {
      return {
        request: function (id, method, path, body) {
          var options = { url: relayUrl() + path, type: method, dataType: 'text', contentType: 'application/json' };
          if (body) options.data = body;
          self.$authorizedAjax(options).then(
            function (text, status, xhr) { respond(id, xhr && xhr.status ? xhr.status : 200, text); },
            function (xhr) { respond(id, (xhr && xhr.status) || 0, (xhr && xhr.responseText) || 'network error'); });
        },
        contentHeight: function (cssHeight) {
          var height = Math.max(240, Math.ceil(cssHeight));
          if (shared.container) shared.container.style.height = height + 'px';
          resize();
        },
        ready: function () {
          shared.ready = true;
          resize();
          start();
        }
      };
    }

    function resize() {
      if (!shared.ready || !shared.container) return;
      var width = Math.max(200, shared.container.clientWidth);
      var height = Math.max(240, shared.container.clientHeight);
      var ratio = window.devicePixelRatio || 1;
      if (shared.size === width + 'x' + height + '@' + ratio) return;
      shared.size = width + 'x' + height + '@' + ratio;
      shared.module._kb_resize(width, height, ratio);
    }

    function start() {
      var lead = currentLeadId();
      if (!shared.ready || !lead) return;
      shared.started = true;
      shared.module.ccall('kb_start', null, ['number', 'string', 'string'], [lead, language(), uiStrings()]);
    }

    function loadModule() {
      if (shared.loading) return shared.loading;
      installKeyboardGuard();
      shared.loading = new Promise(function (resolve, reject) {
        var base = relayUrl() + '/widget/';
        var module = {
          canvas: shared.canvas,
          kbHost: host(),
          locateFile: function (file) { return base + file; },
          printErr: function (text) { if (window.console) console.warn('[kommo-altegio]', text); }
        };
        window.Module = module;
        shared.module = module;
        var script = document.createElement('script');
        script.src = base + 'widget.js';
        script.async = true;
        script.onload = function () { resolve(module); };
        script.onerror = function () { reject(new Error('widget.js did not load from ' + base)); };
        shared.scriptLoadStartedAt = performance.now();
        document.head.appendChild(script);
      });
      return shared.loading;
    }

    function mount() {
      if (!relayUrl()) return false;
      if (!shared.canvas) {
        shared.canvas = document.createElement('canvas');
        shared.canvas.id = 'kb-widget-canvas';
        shared.canvas.setAttribute('tabindex', '0');
        shared.canvas.style.display = 'block';
        shared.canvas.addEventListener('contextmenu', function (e) { e.preventDefault(); });
        shared.text = createTextInput();
      }
      self.render_template({
        caption: { class_name: 'kb-altegio-caption' },
        body: '',
        render: '<div class="kb-altegio-root" style="width:100%;height:640px;position:relative;overflow:hidden"></div>'
      });
      var root = document.querySelector('.kb-altegio-root');
      if (!root) return false;
      root.appendChild(shared.canvas);
      root.appendChild(shared.text);
      shared.container = root;
      if (window.ResizeObserver && !shared.observer) {
        shared.observer = new ResizeObserver(function () { resize(); });
      }
      if (shared.observer) shared.observer.observe(root);
      window.kbWidget = testHooks();
      return true;
    }

    // For tests and benchmarks: where the last frame drew each control, frames drawn, timings.
    function testHooks() {
      return {
        canvas: function () { return shared.canvas; },
        controls: function () {
          if (!shared.ready) return {};
          return JSON.parse(shared.module.UTF8ToString(shared.module._kb_controls_json()));
        },
        frames: function () { return shared.ready ? shared.module._kb_frames_drawn() : 0; },
        firstFrameMs: function () { return shared.ready ? shared.module._kb_first_frame_ms() : 0; },
        scriptLoadStartedMs: function () { return shared.scriptLoadStartedAt || 0; }
      };
    }

    this.callbacks = {
      render: function () {
        if (window.APP && APP.widgets && APP.widgets.system && APP.widgets.system.area !== 'lcard') return true;
        if (!mount()) return true;
        if (shared.ready) { shared.size = ''; resize(); if (!shared.started) start(); }
        else loadModule().catch(function (error) {
          if (shared.container) shared.container.textContent = self.i18n('ui').error.relay_unreachable + ' (' + error.message + ')';
        });
        return true;
      },
      init: function () { return true; },
      bind_actions: function () { return true; },
      settings: function () { return true; },
      onSave: function () { return true; },
      destroy: function () {
        if (shared.observer && shared.container) shared.observer.unobserve(shared.container);
        shared.container = null;
        shared.started = false;
      }
    };
    return this;
  };
});
