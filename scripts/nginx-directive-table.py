# Regenerates src/config/adapt/nginx/directive-rows.ts from an nginx 1.22.1 source tree (src/ at $1).
# Usage: python3 scripts/nginx-directive-table.py /path/to/nginx/src > /dev/null
import re, os, json, glob
import sys
root=sys.argv[1]
files=['core/nginx.c','core/ngx_thread_pool.c','core/ngx_regex.c','core/ngx_conf_file.c','core/ngx_log.c',
 'event/ngx_event_openssl.c','event/ngx_event.c','event/modules/ngx_epoll_module.c']
files+=[os.path.relpath(f,root) for f in glob.glob(root+'/http/*.c')+glob.glob(root+'/http/v2/*.c')]
excl={'ngx_http_degradation_module.c','ngx_http_geoip_module.c','ngx_http_image_filter_module.c','ngx_http_xslt_filter_module.c'}
files+=[os.path.relpath(f,root) for f in glob.glob(root+'/http/modules/*.c') if os.path.basename(f) not in excl]
files+=[os.path.relpath(f,root) for f in glob.glob(root+'/stream/*.c') if 'geoip' not in f]
out=[]
for f in sorted(set(files)):
    src=re.sub(r"/\*.*?\*/","",open(os.path.join(root,f)).read(),flags=re.S)
    mods={}
    for m in re.finditer(r'ngx_module_t\s+(\w+)\s*=\s*\{\s*NGX_MODULE_V1,\s*&?(\w+),\s*(\w+),\s*(\w+)',src):
        mods[m.group(3)]=m.group(4)
    for m in re.finditer(r'static ngx_command_t\s+(\w+)\[\]\s*=\s*\{(.*?)ngx_null_command',src,re.S):
        arr=m.group(1); body=m.group(2)
        mtype=mods.get(arr)
        if mtype is None: print('NO MODULE',f,arr); continue
        for c in re.finditer(r'\{\s*ngx_string\("([^"]+)"\),\s*([^,]+),\s*(\w+),',body):
            out.append(dict(name=c.group(1),flags=[x.strip() for x in c.group(2).split('|')],handler=c.group(3),module=mtype,file=f))
json.dump(out,open('/tmp/nginx-cmds.json','w'),indent=0)
print(len(out))
import collections
print(collections.Counter(x for o in out for x in o['flags']))
print(collections.Counter(o['handler'] for o in out if o['handler'].startswith('ngx_conf')))
print(collections.Counter(o['module'] for o in out))

cmds=out
ctxmap={'NGX_MAIN_CONF':'main','NGX_DIRECT_CONF':None,'NGX_ANY_CONF':'any','NGX_EVENT_CONF':'events',
'NGX_HTTP_MAIN_CONF':'http','NGX_HTTP_SRV_CONF':'server','NGX_HTTP_LOC_CONF':'location','NGX_HTTP_UPS_CONF':'upstream',
'NGX_HTTP_SIF_CONF':'sif','NGX_HTTP_LIF_CONF':'lif','NGX_HTTP_LMT_CONF':'lmt',
'NGX_STREAM_MAIN_CONF':'stream','NGX_STREAM_SRV_CONF':'sserver','NGX_STREAM_UPS_CONF':'supstream'}
argmap={'NGX_CONF_NOARGS':'0','NGX_CONF_TAKE1':'1','NGX_CONF_TAKE2':'2','NGX_CONF_TAKE3':'3','NGX_CONF_TAKE12':'12','NGX_CONF_TAKE13':'13','NGX_CONF_TAKE23':'23','NGX_CONF_TAKE123':'123','NGX_CONF_TAKE1234':'1234','NGX_CONF_FLAG':'flag','NGX_CONF_1MORE':'1+','NGX_CONF_2MORE':'2+','NGX_CONF_ANY':'any'}
modmap={'NGX_HTTP_MODULE':'http','NGX_STREAM_MODULE':'stream','NGX_CORE_MODULE':'core','NGX_EVENT_MODULE':'event','NGX_CONF_MODULE':'conf'}
lines=[]
for c in cmds:
    ctx=[];args='';block=False
    for f in c['flags']:
        if f in ctxmap:
            if ctxmap[f]: ctx.append(ctxmap[f])
        elif f in argmap: args=(args+'|' if args else '')+argmap[f]
        elif f=='NGX_CONF_BLOCK': block=True
        else: raise Exception(f)
    h=c['handler']
    slot=h[len('ngx_conf_set_'):-len('_slot')] if h.startswith('ngx_conf_set_') and h.endswith('_slot') else '-'
    lines.append(f"  ['{c['name']}', '{modmap[c['module']]}', '{' '.join(ctx)}', '{args}{'|block' if block else ''}', '{slot}'],")
print('\n'.join(lines)+'\n')
