import json,sys,collections
h=json.load(open(sys.argv[1]))
ents=h['log']['entries']
st=collections.Counter(); codes=collections.Counter(); slow=[]; bad=[]; internal=[]; nomsg=[]; ops=collections.Counter()
for e in ents:
    s=e['response']['status']; st[s]+=1
    t=e.get('time',0)
    txt=e['response']['content'].get('text','') or ''
    req=e['request'].get('postData',{}).get('text','')
    if t>2000: slow.append((t,req[:300]))
    try: j=json.loads(txt)
    except Exception: bad.append((s,txt[:200],req[:300])); continue
    if not isinstance(j,dict) or not ('data' in j or 'errors' in j): bad.append((s,txt[:200],req[:300])); continue
    for er in j.get('errors') or []:
        c=(er.get('extensions') or {}).get('code'); codes[c]+=1
        if c=='INTERNAL' or c is None: internal.append((s,json.dumps(er)[:400],req[:400]))
        if not er.get('message'): nomsg.append((s,json.dumps(er)[:300],req[:300]))
    if s>=500: bad.append((s,txt[:300],req[:300]))
print('entries',len(ents)); print('status',dict(st)); print('codes',dict(codes))
print('slow',len(slow)); [print(' ',x) for x in sorted(slow,reverse=True)[:8]]
print('bad/5xx/nonjson',len(bad)); [print(' ',x) for x in bad[:10]]
print('internal/nocode',len(internal)); [print(' ',x) for x in internal[:15]]
print('nomsg',len(nomsg)); [print(' ',x) for x in nomsg[:5]]
