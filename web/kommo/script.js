// The Kommo widget: an AMD module, as Kommo loads it. It mounts a canvas in the lead card's right column,
// loads the WebAssembly booking widget from the relay, and is the widget's only door to the outside:
// every relay call goes through Kommo's $authorizedAjax, which adds the disposable token (X-Auth-Token).
define(['jquery'], function ($) {
  'use strict';

  // One WebAssembly instance per page, kept across render/destroy (Kommo re-renders on area changes).
  var shared = { module: null, canvas: null, focused: false, loading: null, started: false };

  // [SECTION] Kommo's theme. How Kommo marks its dark theme is UNVERIFIED (its WEB SDK's "Dark Theme" page could not
  // be read): the page is dark when <html> or <body> names "dark" in a class or a data-theme attribute, or else when
  // the colour behind the widget is dark. Changes to those attributes, and to the system's scheme, are followed.
  function pageIsDark() {
    var marked = [document.documentElement, document.body];
    for (var i = 0; i < marked.length; ++i) {
      var el = marked[i];
      if (!el) continue;
      var names = String(el.className || '') + ' ' + (el.getAttribute('data-theme') || '') + ' ' + (el.getAttribute('data-color-scheme') || '');
      if (/(^|[\s_-])dark($|[\s_-])/i.test(names)) return true;
      if (/(^|[\s_-])light($|[\s_-])/i.test(names)) return false;
    }
    for (var node = shared.container ? shared.container.parentElement : document.body; node; node = node.parentElement) {
      var rgb = getComputedStyle(node).backgroundColor.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?/);
      if (!rgb || (rgb[4] !== undefined && Number(rgb[4]) < 0.5)) continue;   // transparent: what is behind it counts
      return (0.299 * rgb[1] + 0.587 * rgb[2] + 0.114 * rgb[3]) / 255 < 0.45;
    }
    return false;
  }

  function followTheme() {
    if (!shared.ready) return;
    var dark = pageIsDark() ? 1 : 0;
    if (shared.dark !== dark) {
      shared.dark = dark;
      shared.module._kb_set_theme(dark);
    }
    if (shared.themeWatched) return;
    shared.themeWatched = true;
    var watch = new MutationObserver(followTheme);
    var what = { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] };
    watch.observe(document.documentElement, what);
    if (document.body) watch.observe(document.body, what);
    if (window.matchMedia) {
      var scheme = window.matchMedia('(prefers-color-scheme: dark)');
      if (scheme.addEventListener) scheme.addEventListener('change', followTheme);
    }
  }

  function installFocusTracking() {
    // The widget has the keyboard from a click on its canvas until a click elsewhere: its hidden textarea then holds
    // the focus and hands the widget its keys (below). Nothing here stops a key: every key typed anywhere else on the
    // page reaches Kommo as if the widget were not there.
    if (shared.focusTracked) return;
    shared.focusTracked = true;
    document.addEventListener('mousedown', function (event) {
      shared.focused = !!shared.canvas && event.target === shared.canvas;
      shared.clickedIn = shared.focused;   // the canvas's focus that follows is the click's, not the Tab key's
      if (shared.focused) setTimeout(function () { shared.text.focus({ preventScroll: true }); }, 0);
      else if (shared.text && document.activeElement === shared.text) shared.text.blur();
    }, true);
  }

  // Keys typed while the widget has the focus go to it (GLFW takes them only from here: widget/platform), and no
  // further: Kommo's shortcuts do not act on what is typed in the widget. The focus is on the hidden textarea, or for
  // a moment after a click on the canvas itself (the browser focuses it first). Text arrives by the textarea's
  // 'input' (IME, any layout), never by GLFW's keypress.
  function forwardKey(event) {
    event.stopPropagation();
    if (!shared.ready || !shared.module.kbKeys) return;
    if (event.type === 'keydown') shared.module.kbKeys.down(event);
    else if (event.type === 'keyup') shared.module.kbKeys.up(event);
  }
  function takeKeys(element) {
    ['keydown', 'keypress', 'keyup'].forEach(function (type) { element.addEventListener(type, forwardKey); });
  }
  function widgetHasKeys() {
    return !!document.activeElement && (document.activeElement === shared.text || document.activeElement === shared.canvas);
  }

  function createTextInput() {
    var text = document.createElement('textarea');
    text.setAttribute('aria-hidden', 'true');
    text.setAttribute('autocomplete', 'off');
    text.setAttribute('tabindex', '-1');   // the page's Tab reaches the canvas, not this field behind it
    text.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;resize:none;pointer-events:none';
    takeKeys(text);
    text.addEventListener('blur', function () {
      if (shared.ready && shared.module.kbKeys) shared.module.kbKeys.releaseAll();   // no key stays held down
    });
    text.addEventListener('input', function () {
      // Line breaks and tabs arrive as key presses; only printable text is handed over here.
      var value = text.value.replace(/[\r\n\t]/g, '');
      text.value = '';
      if (value && shared.ready) shared.module.ccall('kb_input_text', null, ['string'], [value]);
    });
    // Copy and cut take the widget's selection onto the system clipboard; a paste hands the clipboard's text
    // to the widget, which inserts it as it handles Ctrl+V (see widget/ui/clipboard.hpp).
    function putSelection(event) {
      if (!shared.ready) return;
      var selected = shared.module.UTF8ToString(shared.module._kb_selected_text());
      if (!selected) return;
      event.clipboardData.setData('text/plain', selected);
      event.preventDefault();
    }
    text.addEventListener('copy', putSelection);
    text.addEventListener('cut', putSelection);
    text.addEventListener('paste', function (event) {
      event.preventDefault();
      if (shared.ready) shared.module.ccall('kb_paste_text', null, ['string'], [event.clipboardData.getData('text/plain')]);
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

    // Replies go through the heap, not ccall's 'string' (which copies onto the 5 MB wasm stack: a week of
    // 10,000 records is a reply of about 10 MB and overflowed it, corrupting memory).
    function respond(id, status, text) {
      if (!shared.module) return;
      var module = shared.module;
      var size = module.lengthBytesUTF8(text || '') + 1;
      var pointer = module._malloc(size);
      if (!pointer) return;
      module.stringToUTF8(text || '', pointer, size);
      try { module._kb_on_response(id, status, pointer); } finally { module._free(pointer); }
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
        openLead: function (leadId) { window.location.assign('/leads/detail/' + Number(leadId)); },
        setModal: setModal,
        contentHeight: function (cssHeight) {
          if (shared.mode !== 'card' || shared.modal) return;   // a window over the page has its own size
          var height = Math.max(240, Math.ceil(cssHeight));
          if (shared.container) shared.container.style.height = height + 'px';
          resize();
        },
        ready: function () {
          shared.ready = true;
          resize();
          followTheme();
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
      if (!shared.ready) return;
      followTheme();   // the widget may have moved (card, list, settings) onto another background
      if (shared.mode === 'settings') {
        shared.started = true;
        shared.module.ccall('kb_start_settings', null, ['string', 'string'], [language(), uiStrings()]);
        return;
      }
      if (shared.mode === 'pipeline') {
        shared.started = true;
        shared.module.ccall('kb_start_pipeline', null, ['string', 'string', 'string'], [language(), uiStrings(), today()]);
        return;
      }
      var lead = currentLeadId();
      if (!lead) return;
      shared.started = true;
      shared.module.ccall('kb_start', null, ['number', 'string', 'string'], [lead, language(), uiStrings()]);
    }

    function today() {
      var d = new Date();
      function two(n) { return (n < 10 ? '0' : '') + n; }
      return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate());
    }

    // [SECTION] the leads list (pipeline view): a button that opens the account's record log in a window
    // The pipeline of the leads list shown: Kommo's address is /leads/pipeline/{id}; 0 when it cannot be told.
    function currentPipelineId() {
      var match = location.pathname.match(/\/leads\/pipeline\/(\d+)/);
      return match ? Number(match[1]) : 0;
    }

    // The button shows only in the pipelines where the admin wants the log.
    function offerLogButton() {
      if (!relayUrl() || document.querySelector('.kb-altegio-list-button')) return;
      self.$authorizedAjax({ url: relayUrl() + '/api/v1/places?pipeline_id=' + currentPipelineId(), type: 'GET', dataType: 'text' }).then(
        function (text) {
          var places = {};
          try { places = JSON.parse(text); } catch (e) { places = {}; }
          if (places.log_shown) mountListButton();
        },
        function () { mountListButton(); });   // the relay is away: the window itself will say so
    }

    // The button sits in the leads list's actions bar beside Kommo's own buttons (the bar's class names are
    // UNVERIFIED: the first that exists is used). Without a bar it stays at the top right, under Kommo's header,
    // away from the chat bubble in the bottom right corner.
    var listBars = ['.list__top__actions', '.list-top-nav__actions', '.pipeline__top__actions'];
    function mountListButton() {
      if (!relayUrl() || document.querySelector('.kb-altegio-list-button')) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'kb-altegio-list-button';
      button.textContent = self.i18n('ui').account_log.open;
      var look = 'height:32px;padding:0 14px;border:0;border-radius:4px;background:#2979d9;color:#fff;font:13px/32px sans-serif;cursor:pointer;';
      var bar = null;
      for (var i = 0; i < listBars.length && !bar; ++i) bar = document.querySelector(listBars[i]);
      if (bar) {
        button.style.cssText = look + 'margin-left:8px;flex:none';
        bar.appendChild(button);
      } else {
        button.style.cssText = look + 'position:fixed;right:24px;top:72px;z-index:1000;box-shadow:0 2px 8px rgba(0,0,0,.2)';
        document.body.appendChild(button);
      }
      button.addEventListener('click', openLogWindow);
    }

    // A window over the page (the account's log, the schedule grid): a dimmed backdrop, a white box and a ×
    // button. Returns the box's inner element and a function that removes the window.
    function createOverlay(className, onCloseClicked) {
      var overlay = document.createElement('div');
      overlay.className = className;
      overlay.style.cssText = 'position:fixed;left:0;top:0;right:0;bottom:0;z-index:1001;background:rgba(20,30,45,.45)';
      var box = document.createElement('div');
      box.style.cssText = 'position:absolute;left:4vw;top:5vh;width:92vw;height:88vh;background:#fff;border-radius:6px;overflow:hidden;' +
                          'box-shadow:0 6px 30px rgba(0,0,0,.3)';
      var close = document.createElement('button');
      close.type = 'button';
      close.className = 'kb-altegio-close';
      close.textContent = '×';
      close.setAttribute('aria-label', 'close');
      close.style.cssText = 'position:absolute;right:8px;top:4px;z-index:2;border:0;background:none;font:24px sans-serif;cursor:pointer;color:#555';
      var root = document.createElement('div');
      root.style.cssText = 'position:absolute;left:0;top:0;right:0;bottom:0';
      box.appendChild(root);
      box.appendChild(close);
      overlay.appendChild(box);
      document.body.appendChild(overlay);
      // Escape closes the window however the focus got where it is; with the focus in the widget, the widget does it.
      function onKey(event) { if (event.key === 'Escape' && !widgetHasKeys()) onCloseClicked(); }
      close.addEventListener('click', onCloseClicked);
      document.addEventListener('keydown', onKey, true);
      return {
        root: root,
        remove: function () { document.removeEventListener('keydown', onKey, true); overlay.remove(); }
      };
    }

    function openLogWindow() {
      if (document.querySelector('.kb-altegio-overlay')) return;
      if (!shared.canvas) createCanvas();
      var window_ = createOverlay('kb-altegio-overlay', function () {
        window_.remove();
        shared.container = null;
        shared.started = false;
      });
      window_.root.appendChild(shared.canvas);
      window_.root.appendChild(shared.text);
      shared.container = window_.root;
      shared.mode = 'pipeline';
      shared.size = '';
      exposeHooks();
      if (shared.ready) { resize(); start(); }
      else loadInto(window_.root);
    }

    // [SECTION] the schedule grid: the card's canvas moves into a window over the page while the grid is open
    function setModal(on) {
      var hadKeys = widgetHasKeys();   // moving the canvas and its field takes their focus: give it back
      if (on && !shared.modal) {
        shared.modal = createOverlay('kb-altegio-modal', function () { shared.module._kb_close_modal(); });
        shared.cardContainer = shared.container;
        shared.modal.root.appendChild(shared.canvas);
        shared.modal.root.appendChild(shared.text);
        shared.container = shared.modal.root;
      } else if (!on && shared.modal) {
        var back = shared.cardContainer;
        if (back && document.body.contains(back)) {
          back.appendChild(shared.canvas);
          back.appendChild(shared.text);
        }
        shared.modal.remove();
        shared.modal = null;
        shared.container = back;
      } else {
        return;
      }
      if (hadKeys) shared.text.focus({ preventScroll: true });
      shared.size = '';
      resize();
    }

    function loadModule() {
      if (shared.loading) return shared.loading;
      installFocusTracking();
      shared.loading = new Promise(function (resolve, reject) {
        var base = relayUrl() + '/widget/';
        var module = {
          canvas: shared.canvas,
          kbHost: host(),
          locateFile: function (file) { return base + file; },
          printErr: function (text) { if (window.console) console.warn('[kommo-altegio]', text); }
        };
        // widget.wasm is fetched and compiled while widget.js downloads and runs, instead of after it. A proxy that
        // gives it another type than application/wasm defeats streaming: the bytes are then compiled whole.
        if (window.WebAssembly && WebAssembly.compileStreaming) {
          var wasmUrl = base + 'widget.wasm';
          var compiling = WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'omit' })).catch(function () {
            return fetch(wasmUrl, { credentials: 'omit' }).then(function (reply) {
              if (!reply.ok) throw new Error('widget.wasm did not load');
              return reply.arrayBuffer();
            }).then(function (bytes) { return WebAssembly.compile(bytes); });
          });
          compiling.catch(function () {});   // a failure is reported where the module is instantiated
          module.instantiateWasm = function (imports, receive) {
            compiling.then(function (compiled) {
              return WebAssembly.instantiate(compiled, imports).then(function (instance) { receive(instance, compiled); });
            }).catch(function (error) { shared.loading = null; reject(error); });
            return {};
          };
        }
        shared.module = module;
        var script = document.createElement('script');
        script.src = base + 'widget.js';
        script.async = true;
        // widget.js is built modularised: it adds one name to the page, kbWidget, the factory that starts the
        // module on our object (no window.Module to clash with another WebAssembly widget). The test hooks join it.
        script.onload = function () {
          var factory = window.kbWidget;
          if (typeof factory !== 'function') { reject(new Error('widget.js did not define its module')); return; }
          exposeHooks();
          factory(module).then(function () { resolve(module); }, function (error) { shared.loading = null; reject(error); });
        };
        script.onerror = function () {
          script.remove();
          shared.loading = null;   // a retry loads it again
          reject(new Error('widget.js did not load'));
        };
        shared.scriptLoadStartedAt = performance.now();
        document.head.appendChild(script);
      });
      return shared.loading;
    }

    // Loads the widget into `container` (which holds the canvas); when the relay cannot be reached, a notice in the
    // user's language with "Try again" takes the canvas's place, and a try that succeeds needs no reload.
    function loadInto(container) {
      loadModule().catch(function () {
        if (!container || !document.body.contains(container)) return;
        showUnreachable(container, function () {
          container.textContent = '';
          container.appendChild(shared.canvas);
          container.appendChild(shared.text);
          loadInto(container);
        });
      });
    }

    function showUnreachable(container, retry) {
      var strings = self.i18n('ui') || {};
      var notice = document.createElement('div');
      notice.className = 'kb-altegio-notice';
      notice.setAttribute('role', 'alert');
      notice.style.cssText = 'margin:12px;padding:14px 16px;border:1px solid #f1c4c4;border-left:4px solid #d9534f;border-radius:4px;' +
                             'background:#fdf3f3;color:#313942;font:14px/1.45 "Noto Sans","DejaVu Sans",Arial,sans-serif';
      var text = document.createElement('p');
      text.style.cssText = 'margin:0 0 10px';
      text.textContent = (strings.error && strings.error.relay_unreachable) || 'The integration server is not reachable.';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'kb-altegio-retry';
      button.textContent = strings.retry || 'Try again';
      button.style.cssText = 'padding:7px 16px;border:0;border-radius:4px;background:#2979d9;color:#fff;font:inherit;cursor:pointer';
      button.addEventListener('click', retry);
      notice.appendChild(text);
      notice.appendChild(button);
      container.textContent = '';
      container.appendChild(notice);
    }

    function createCanvas() {
      shared.canvas = document.createElement('canvas');
      shared.canvas.id = 'kb-widget-canvas';
      shared.canvas.setAttribute('tabindex', '0');
      shared.canvas.style.display = 'block';
      shared.canvas.addEventListener('contextmenu', function (e) { e.preventDefault(); });
      takeKeys(shared.canvas);
      shared.text = createTextInput();
      // Tab from the page into the widget: it takes the keyboard and its first field gets the focus, as the next
      // field of a form would (a Tab handed to the widget with nothing active focuses its first field).
      shared.canvas.addEventListener('focus', function () {
        if (shared.clickedIn) { shared.clickedIn = false; return; }
        shared.focused = true;
        shared.text.focus({ preventScroll: true });
        if (!shared.ready || !shared.module.kbKeys) return;
        var tab = { keyCode: 9, which: 9, key: 'Tab', code: 'Tab', shiftKey: false, preventDefault: function () {} };
        shared.module.kbKeys.down(tab);
        shared.module.kbKeys.up(tab);
      });
    }

    function mount() {
      if (!relayUrl()) return false;
      if (!shared.canvas) createCanvas();
      shared.mode = 'card';
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
      exposeHooks();
      return true;
    }

    // The settings canvas covers only the part of the work area in the window, so its Save and Discard bar stays in
    // view however the page scrolls; it follows the scroll (a frame later) and the window's size.
    function fitSettingsToView(area, root) {
      var waiting = false, watch = null;
      function fit() {
        waiting = false;
        if (!root.isConnected) {   // Kommo left the page or drew it again: this root's watchers go
          window.removeEventListener('scroll', later, true);
          window.removeEventListener('resize', later);
          if (watch) watch.disconnect();
          return;
        }
        var box = area.getBoundingClientRect();
        var from = Math.max(0, -box.top), to = Math.min(box.height, window.innerHeight - box.top);
        var height = Math.max(320, to - from);   // at least room for a tab's first lines and the bar
        from = Math.max(0, Math.min(from, box.height - height));
        root.style.top = Math.round(from) + 'px';
        root.style.height = Math.round(height) + 'px';
        resize();
      }
      function later() {
        if (waiting) return;
        waiting = true;
        window.requestAnimationFrame(fit);
      }
      window.addEventListener('scroll', later, { capture: true, passive: true });
      window.addEventListener('resize', later);
      if (window.ResizeObserver) {   // the area's own size, and the page's: what grows above the area moves it
        watch = new ResizeObserver(later);
        watch.observe(area);
        watch.observe(document.body);
      }
      fit();
    }

    // [SECTION] a Digital Pipeline trigger's settings. Kommo draws manifest.json's dp fields as text inputs named
    // after them (the markup UNVERIFIED: found by name, plain or nested): the action becomes a list of the five
    // actions in the user's language, and the account's trigger key is filled in from the relay and hidden, since
    // Kommo posts every account's triggers to the one dp.webhook_url.
    var dpActions = ['confirm', 'came', 'did_not_come', 'cancel', 'move'];
    function offerDpChoices() {
      var text = self.i18n('dp') || {};
      function field(name) { return document.querySelector('input[name="' + name + '"], input[name$="[' + name + ']"]'); }
      function put(input, value) {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
      var action = field('altegio_action'), key = field('intake_key');
      if (!action || !key || action.getAttribute('data-kb-list')) return;
      action.setAttribute('data-kb-list', '1');
      var list = document.createElement('select');
      list.className = 'kb-altegio-dp-action';
      var hint = new Option(text.choose_action || '', '');
      hint.disabled = true;
      list.add(hint);
      dpActions.forEach(function (a) { list.add(new Option((text.actions || {})[a] || a, a)); });
      list.value = dpActions.indexOf(action.value) >= 0 ? action.value : '';
      list.addEventListener('change', function () { put(action, list.value); });
      action.style.display = 'none';
      action.parentNode.insertBefore(list, action.nextSibling);
      var keyRow = key.closest('label') || key;
      keyRow.style.display = 'none';
      var note = document.createElement('div');
      note.className = 'kb-altegio-dp-note';
      list.parentNode.insertBefore(note, list.nextSibling);
      self.$authorizedAjax({ url: relayUrl() + '/api/v1/settings/dp', type: 'GET', dataType: 'text' }).then(
        function (reply) {
          var answer = {};
          try { answer = JSON.parse(reply); } catch (e) { answer = {}; }
          if (answer.intake_key) put(key, answer.intake_key);
          else note.textContent = text.key_failed || '';
        },
        function () { note.textContent = text.key_failed || ''; });
    }

    // [SECTION] the advanced settings page (account administrators): the canvas fills the page's work area.
    // Kommo names that element #work-area-{widget code} (UNVERIFIED: the first element of the settings area is the
    // fallback).
    function mountSettings() {
      if (!relayUrl()) return false;
      var code = settings().widget_code || 'kommo_altegio';
      var area = document.getElementById('work-area-' + code) || document.querySelector('.work-area, #work_area');
      if (!area) return false;
      if (!shared.canvas) createCanvas();
      var root = document.createElement('div');
      root.className = 'kb-altegio-settings';
      root.style.cssText = 'position:absolute;left:0;top:0;right:0;height:100%';
      if (getComputedStyle(area).position === 'static') area.style.position = 'relative';
      area.appendChild(root);
      fitSettingsToView(area, root);
      root.appendChild(shared.canvas);
      root.appendChild(shared.text);
      shared.container = root;
      shared.mode = 'settings';
      shared.size = '';
      if (window.ResizeObserver && !shared.observer) shared.observer = new ResizeObserver(function () { resize(); });
      if (shared.observer) shared.observer.observe(root);
      exposeHooks();
      if (shared.ready) { resize(); start(); }
      else loadInto(root);
      return true;
    }

    // The widget's one name on the page, window.kbWidget: widget.js's module factory once it has loaded (a plain
    // object before), carrying the hooks below.
    function exposeHooks() {
      var space = window.kbWidget || {};
      var hooks = testHooks();
      Object.keys(hooks).forEach(function (name) { space[name] = hooks[name]; });
      window.kbWidget = space;
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
        glyphs: function () {   // characters still waiting for a fallback font, and the font slices fetched
          if (!shared.ready) return { missing: [], fetched: [] };
          return JSON.parse(shared.module.UTF8ToString(shared.module._kb_glyphs_json()));
        },
        wake: function () { if (shared.ready) shared.module._kb_wake(); },
        firstFrameMs: function () { return shared.ready ? shared.module._kb_first_frame_ms() : 0; },
        lastFrameDrawMs: function () { return shared.ready ? shared.module._kb_last_frame_draw_ms() : 0; },
        scriptLoadStartedMs: function () { return shared.scriptLoadStartedAt || 0; }
      };
    }

    // [SECTION] Kommo's settings modal: below the manifest's fields, whether the relay has this account installed and
    // connected to Altegio, what waits for a repeat, and where the rest is set up. `body` is the modal's body
    // (a jQuery object in Kommo).
    function describeStatus(body) {
      var element = body && body[0] ? body[0] : body;
      if (!element || !element.appendChild) return;
      var text = self.i18n('settings') || {};
      var box = element.querySelector('.kb-altegio-status') || document.createElement('div');
      box.className = 'kb-altegio-status';
      box.textContent = text.status_checking;
      element.appendChild(box);
      var show = function (lines) {
        box.textContent = '';
        lines.forEach(function (line) {
          var row = document.createElement('div');
          row.textContent = line;
          box.appendChild(row);
        });
      };
      if (!relayUrl()) { show([text.status_no_relay]); return; }
      self.$authorizedAjax({ url: relayUrl() + '/api/v1/status', type: 'GET', dataType: 'text' }).then(
        function (reply) {
          var s = {};
          try { s = JSON.parse(reply); } catch (e) { s = {}; }
          if (!s.installed) { show([text.status_not_installed]); return; }
          show([text.status_installed,
                s.altegio_connected ? text.status_altegio_connected : text.status_altegio_not_connected,
                s.connected_branches ? text.status_branches.replace('{n}', s.connected_branches) : text.status_branches_all,
                s.failed_events ? text.status_failed.replace('{n}', s.failed_events) : text.status_no_failures,
                text.status_advanced]);
        },
        function () { show([text.status_unreachable]); });
    }

    this.callbacks = {
      render: function () {
        var area = window.APP && APP.widgets && APP.widgets.system && APP.widgets.system.area;
        if (area === 'llist') { offerLogButton(); return true; }
        if (area && area !== 'lcard') return true;
        if (!mount()) return true;
        if (shared.ready) { shared.size = ''; resize(); if (!shared.started) start(); }
        else loadInto(shared.container);
        return true;
      },
      init: function () { return true; },
      bind_actions: function () { return true; },
      settings: function (body) { describeStatus(body); return true; },
      advancedSettings: function () { mountSettings(); return true; },
      dpSettings: function () { offerDpChoices(); return true; },
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
