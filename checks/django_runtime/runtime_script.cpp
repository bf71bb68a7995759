// The script the --django child runs. Every text it sends back passes through scrub(), which replaces the
// environment's values (and anything under a secret-like name) by ****: an exception message may quote them.
#include "checks/django_runtime/runtime_script.hpp"

namespace deployctl::checks::django_runtime {

const std::string_view runtime_script = R"PY(
import json, os, sys, traceback

_request = json.loads(_deployctl_request)
_hidden = sorted({v for v in _request['hide'] if v}, key=len, reverse=True)


def _scrub(text):
    text = str(text)
    for value in _hidden:
        text = text.replace(value, '****')
    return text


def _send(answer):
    data = memoryview(json.dumps(answer).encode('utf-8'))
    while data:
        data = data[os.write(_request['fd'], data):]


def _raised_at(error):
    project = _request['project_dir'].rstrip('/') + '/'
    place = ''
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(project):
            place = '%s:%d' % (frame.filename[len(project):], frame.lineno)
    return place


try:
    import site
    site.main()
    for entry in reversed([p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p]):
        sys.path.insert(0, entry)
    if os.environ.get('VIRTUAL_ENV'):
        site.addsitedir('%s/lib/python%d.%d/site-packages' % (os.environ['VIRTUAL_ENV'], *sys.version_info[:2]))
    sys.path.insert(0, _request['project_dir'])
    os.chdir(_request['project_dir'])
    os.environ.update(_request['environment'])
    os.environ['DJANGO_SETTINGS_MODULE'] = _request['settings_module']
    sys.argv = ['manage.py', 'check', '--deploy']
    import django
    django.setup()
    from django.core import checks
    found = [m for m in checks.run_checks(include_deployment_checks=True) if not m.is_silenced()]
    _send({'ok': True, 'messages': [
        {'id': m.id or '', 'level': int(m.level), 'msg': _scrub(m.msg), 'hint': _scrub(m.hint or ''),
         'obj': None if m.obj is None else _scrub(m.obj)} for m in found]})
except BaseException as error:
    where = _raised_at(error)
    text = _scrub('%s: %s' % (type(error).__name__, error)).strip().splitlines()
    text = text[0] if text else type(error).__name__
    if len(text) > 300:
        text = text[:300] + '...'
    _send({'ok': False, 'error': text + (' (raised at %s)' % where if where else '')})
)PY";

}  // namespace deployctl::checks::django_runtime
