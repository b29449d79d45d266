// The host page's Kommo imitation. Order of events, as in Kommo: globals -> widget script (AMD) ->
// new Widget() -> callbacks.render() -> init() -> bind_actions().
(function () {
  'use strict';
  var query = new URLSearchParams(location.search);
  var leadId = Number(query.get('lead') || 21001);
  // The user's language, as Kommo keeps it across pages: from the address, else the last one chosen.
  var asked = query.get('lang') || localStorage.getItem('kb-sandbox-lang');
  var lang = ['en', 'ru', 'es', 'pt'].indexOf(asked) >= 0 ? asked : 'en';
  localStorage.setItem('kb-sandbox-lang', lang);
  // Kommo's leads list lives at /leads/pipeline/{id}; the same page then draws the list instead of a card.
  var pipelineMatch = location.pathname.match(/^\/leads\/pipeline\/(\d+)/);
  var listView = !!pipelineMatch;
  // A widget's advanced settings page lives at /settings/widgets/{code} (Kommo's settings area).
  var settingsView = /^\/settings\/widgets\//.test(location.pathname);
  // A pipeline's Digital Pipeline settings (/settings/pipeline/leads/{id}?status={stage}): the widget's trigger
  // for one stage, its fields as Kommo draws them from manifest.json's dp.settings.
  var dpMatch = location.pathname.match(/^\/settings\/pipeline\/leads\/(\d+)/);
  var dpView = !!dpMatch;
  if (dpView) settingsView = true;
  var userId = Number(query.get('user') || 9001);
  // Kommo's own keyboard use, as its note and chat composer has it: Enter adds the note (Shift+Enter breaks the
  // line). A widget that swallowed the page's keys would break it.
  var note = document.getElementById('kommo-note');
  if (listView || settingsView) document.getElementById('kommo-notes-block').hidden = true;
  else note.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    if (!note.value.trim()) return;
    var item = document.createElement('li');
    item.textContent = note.value.trim();
    document.getElementById('kommo-notes').appendChild(item);
    note.value = '';
  });
  // Kommo's light or dark theme, switched in the header as a user switches it in Kommo, kept across pages.
  var theme = document.getElementById('theme');
  theme.value = localStorage.getItem('kb-sandbox-theme') === 'dark' ? 'dark' : 'light';
  document.body.classList.toggle('dark-theme', theme.value === 'dark');
  theme.addEventListener('change', function () {
    localStorage.setItem('kb-sandbox-theme', theme.value);
    document.body.classList.toggle('dark-theme', theme.value === 'dark');
  });
  var select = document.getElementById('lang');
  select.value = lang;
  select.addEventListener('change', function () { query.set('lang', select.value); location.search = query.toString(); });

  function getJson(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(url + ' -> ' + r.status); return r.json(); });
  }

  // [SECTION] a minimal jQuery: what script.js uses, and Deferred-style then(success(data, status, xhr), fail(xhr))
  function $(selector) { return document.querySelectorAll(selector); }
  function deferred(promise) {
    return {
      then: function (ok, fail) {
        return deferred(promise.then(function (r) { return ok ? ok(r.text, 'success', r.xhr) : r; },
                                     function (xhr) { return fail ? fail(xhr) : Promise.reject(xhr); }));
      }
    };
  }

  // [SECTION] the AMD loader Kommo gives widgets
  var pending = null;
  window.define = function (deps, factory) { pending = { deps: deps, factory: factory }; };
  window.define.amd = true;
  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = url; s.onload = resolve; s.onerror = function () { reject(new Error('cannot load ' + url)); };
      document.head.appendChild(s);
    });
  }

  Promise.all([getJson('/__sandbox/info'), getJson('/__sandbox/state'), getJson('/kommo-widget/i18n/' + lang + '.json')])
    .then(function (loaded) {
      var info = loaded[0], state = loaded[1], strings = loaded[2];
      var lead = state.kommo.leads.filter(function (l) { return l.id === leadId; })[0];
      var settingsArea = dpView ? null : settingsView ? drawSettingsArea(state, strings, info) : null;
      var dpArea = dpView ? drawDpTrigger(strings) : null;
      if (settingsView) { /* drawn above */ } else if (listView) drawList(state);
      else if (!lead) throw new Error('no lead ' + leadId + ' in the sandbox');
      else drawCard(lead, state);

      // [SECTION] Kommo's globals
      var user = { id: userId, name: userId === 9001 ? 'Анна Менеджерова' : 'Manager ' + userId };
      window.APP = {
        lang_id: lang,
        data: { current_card: listView || settingsView ? false : { id: leadId, element_type: 2, main_user: lead.responsible_user_id },
                current_entity: 'leads' },
        widgets: { system: { area: dpView ? 'digital_pipeline' : settingsView ? 'advanced_settings' : listView ? 'llist' : 'lcard' } },
        constant: function (key) {
          if (key === 'user') return user;
          if (key === 'account') return { id: 31000001, subdomain: 'bellastudio' };
          return null;
        },
        isCard: function () { return !listView && !settingsView; },
        getWidgetsArea: function () { return listView ? 'leads' : 'leads_card'; }
      };
      return loadScript('/kommo-widget/script.js').then(function () {
        return { info: info, strings: strings, settingsArea: settingsArea, dpArea: dpArea };
      });
    })
    .then(function (ctx) {
      if (!ctx) { window.kbHostReady = true; return; }
      var WidgetClass = pending.factory({ ajax: null });
      var widget = new WidgetClass();
      var settings = { relay_url: ctx.info.relay_url, widget_code: 'kommo_altegio', path: '/kommo-widget', version: '0.1.0',
                       status: 'installed', active: 'Y' };
      widget.get_settings = function () { return settings; };
      widget.params = settings;
      widget.i18n = function (key) { return ctx.strings[key]; };
      widget.render_template = function (options) {
        var block = document.createElement('div');
        block.className = 'widget-block ' + ((options.caption && options.caption.class_name) || '');
        block.innerHTML = '<div class="caption"><img src="/kommo-widget/images/logo_min.png" alt="">' +
                          ctx.strings.widget.name + '</div>' + (options.render || options.body || '');
        document.getElementById('widgets_block').appendChild(block);
      };
      // What Kommo does: a fresh disposable token, signed with the integration's secret, on every call.
      widget.$authorizedAjax = function (options) {
        return deferred(getJson('/__sandbox/kommo/disposable_token?user_id=' + userId).then(function (t) {
          return fetch(options.url, {
            method: options.type || 'GET',
            headers: { 'X-Auth-Token': t.token, 'Content-Type': options.contentType || 'application/json' },
            body: options.data
          }).then(function (response) {
            return response.text().then(function (text) {
              var xhr = { status: response.status, responseText: text };
              if (!response.ok) throw xhr;
              return { text: text, xhr: xhr };
            });
          }, function (error) { throw { status: 0, responseText: String(error) }; });
        }));
      };
      var callbacks = widget.callbacks;
      if (callbacks.render() !== true) throw new Error('render() must return true');
      callbacks.init();
      callbacks.bind_actions();
      if (ctx.settingsArea) {
        callbacks.settings([ctx.settingsArea.modalBody]);   // Kommo's settings modal, open beside the page here
        if (ctx.settingsArea.installed) callbacks.advancedSettings();
      }
      if (ctx.dpArea) callbacks.dpSettings();   // the trigger's settings are open
      window.kbHostReady = true;
    })
    .catch(function (error) {
      document.getElementById('widgets_block').textContent = 'Host page error: ' + error.message;
      window.kbHostError = error.message;
    });

  function drawCard(lead, state) {
    document.getElementById('lead-name').textContent = lead.name;
    var stage = (state.kommo.statuses || {})[String(lead.status_id)];
    document.getElementById('lead-stage').textContent = stage || String(lead.status_id);
    var fields = document.getElementById('lead-fields');
    var names = {};
    state.kommo.lead_fields.forEach(function (f) { names[f.id] = f; });
    (lead.custom_fields_values || []).forEach(function (v) {
      var row = document.createElement('div');
      row.className = 'row';
      var value = v.values[0].value;
      if (names[v.field_id] && names[v.field_id].type === 'date') value = new Date(value * 1000).toISOString().slice(0, 10);
      row.innerHTML = '<span></span><span></span>';
      row.children[0].textContent = v.field_name;
      row.children[1].textContent = value;
      fields.appendChild(row);
    });
    var contact = findContact(lead, state);
    var box = document.getElementById('contact');
    if (!contact) { box.textContent = '—'; return; }
    var rows = [['Name', contact.name]];
    (contact.custom_fields_values || []).forEach(function (f) { rows.push([f.field_name, f.values[0].value]); });
    rows.forEach(function (r) {
      var row = document.createElement('div');
      row.className = 'row';
      row.innerHTML = '<span></span><span></span>';
      row.children[0].textContent = r[0];
      row.children[1].textContent = r[1];
      box.appendChild(row);
    });
  }
  function drawList(state) {
    document.getElementById('lead-name').textContent = 'Leads';
    document.querySelector('.card-main h2').textContent = '';
    document.getElementById('lead-stage').style.display = 'none';
    // The list's actions bar (Kommo's class name as widgets are seen to use it, UNVERIFIED) and the chat bubble
    // Kommo keeps in the page's bottom right corner.
    var bar = document.createElement('div');
    bar.className = 'list__top__actions';
    ['Filter', '+ New lead'].forEach(function (caption) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'kommo-bar-button';
      b.textContent = caption;
      bar.appendChild(b);
    });
    document.getElementById('lead-name').after(bar);
    var bubble = document.createElement('div');
    bubble.className = 'kommo-chat-bubble';
    bubble.title = 'Chats';
    document.body.appendChild(bubble);
    var fields = document.getElementById('lead-fields');
    var pipeline = Number(pipelineMatch[1]);
    state.kommo.leads.filter(function (l) { return l.pipeline_id === pipeline; }).forEach(function (l) {
      var row = document.createElement('div');
      row.className = 'row';
      row.innerHTML = '<a></a><span></span>';
      row.children[0].textContent = l.name;
      row.children[0].href = '/leads/detail/' + l.id;
      row.children[1].textContent = (state.kommo.statuses || {})[String(l.status_id)] || String(l.status_id);
      fields.appendChild(row);
    });
  }

  // The trigger's settings as Kommo shows them: a text field per manifest dp setting, named after it, under its
  // label; Save keeps the trigger for the stage (the sandbox then fires it when a lead enters that stage).
  function drawDpTrigger(strings) {
    var pipeline = Number(dpMatch[1]), status = Number(query.get('status') || 0);
    document.getElementById('lead-name').textContent = 'Digital Pipeline — ' + strings.dp.name;
    document.querySelector('.card-main h2').textContent = '';
    document.getElementById('lead-stage').style.display = 'none';
    document.getElementById('widgets_block').style.display = 'none';
    var modal = document.createElement('div');
    modal.className = 'kommo-modal digital-pipeline__widget-settings';
    ['altegio_action', 'intake_key'].forEach(function (name) {
      var label = document.createElement('label');
      label.className = 'kommo-dp-field';
      label.textContent = strings.dp[name];
      var input = document.createElement('input');
      input.name = name;
      input.type = 'text';
      label.appendChild(document.createElement('br'));
      label.appendChild(input);
      modal.appendChild(label);
    });
    var save = document.createElement('button');
    save.type = 'button';
    save.id = 'kommo-dp-save';
    save.className = 'kommo-button';
    save.textContent = 'Save';
    save.addEventListener('click', function () {
      var settings = {};
      modal.querySelectorAll('input[name]').forEach(function (input) { settings[input.name] = input.value; });
      fetch('/__sandbox/kommo/dp/triggers', { method: 'POST', body: JSON.stringify({ pipeline_id: pipeline, status_id: status, settings: settings }) })
        .then(function (reply) { save.textContent = reply.ok ? 'Saved' : 'Not saved'; });
    });
    modal.appendChild(save);
    document.getElementById('lead-fields').after(modal);
    return { modal: modal };
  }

  // Kommo's settings area for the widget: the widget's settings modal (the manifest's fields, what the widget's
  // settings() callback adds, and Kommo's Install button while the widget is not installed: installing runs the
  // OAuth redirect to the relay), then, once installed, the page the widget draws into.
  function drawSettingsArea(state, strings, info) {
    document.getElementById('lead-name').textContent = (strings.advanced && strings.advanced.title) || strings.widget.name;
    document.querySelector('.card-main h2').textContent = '';
    document.getElementById('lead-stage').style.display = 'none';
    document.getElementById('widgets_block').style.display = 'none';
    var main = document.querySelector('.card-main');
    var modal = document.createElement('div');
    modal.id = 'kommo-widget-modal';
    modal.className = 'kommo-modal';
    var relay = document.createElement('label');
    relay.textContent = strings.settings.relay_url + ': ';
    var relayValue = document.createElement('input');
    relayValue.readOnly = true;
    relayValue.value = info.relay_url;
    relay.appendChild(relayValue);
    var modalBody = document.createElement('div');
    modalBody.className = 'kommo-modal-body';
    modal.appendChild(relay);
    modal.appendChild(modalBody);
    main.appendChild(modal);
    if (!state.kommo.installed) {
      var install = document.createElement('button');
      install.id = 'kommo-install';
      install.type = 'button';
      install.textContent = { en: 'Install', ru: 'Установить', es: 'Instalar', pt: 'Instalar' }[lang];   // Kommo's own button
      install.className = 'kommo-button';
      install.addEventListener('click', function () {
        install.disabled = true;
        fetch('/__sandbox/kommo/install', { method: 'POST' }).then(function (r) {
          if (!r.ok) throw new Error('install failed: ' + r.status);
          location.reload();
        }).catch(function (error) { install.disabled = false; install.textContent = error.message; });
      });
      modal.appendChild(install);
      return { installed: false, modalBody: modalBody };
    }
    var area = document.createElement('div');
    area.id = 'work-area-kommo_altegio';
    area.className = 'work-area';
    main.appendChild(area);
    return { installed: true, modalBody: modalBody };
  }

  function findContact(lead, state) {
    var links = state.kommo.lead_contacts || {};
    var ids = links[String(lead.id)] || [];
    return state.kommo.contacts.filter(function (c) { return ids.indexOf(c.id) >= 0; })[0];
  }
})();
