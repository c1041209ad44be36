// Bodies the simulator answers with. The HTML imitates what a Home Access Center host on IIS
// serves, so clients learn to recognise "this is a web page, not the API".

import { DISTRICT_NAME } from './data.js';
import { percentEncode } from './verify.js';

export const IIS_404_HTML = `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>404 - File or directory not found.</title>
<style type="text/css">
body{margin:0;font-size:.7em;font-family:Verdana,Arial,Helvetica,sans-serif;background:#EEEEEE;}
#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS",Verdana,sans-serif;color:#FFF;background-color:#555555;}
#content{margin:0 0 0 2%;position:relative;}
.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}
</style>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>404 - File or directory not found.</h2>
  <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
 </fieldset></div>
</div>
</body>
</html>
`;

export const HAC_LOGON_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Home Access Center - ${DISTRICT_NAME}</title>
</head>
<body class="sg-login">
<div id="SignInSectionContainer">
 <h1>Home Access Center</h1>
 <h2>${DISTRICT_NAME} (simulated)</h2>
 <form action="/HomeAccess/Account/LogOn" method="post">
  <input name="__RequestVerificationToken" type="hidden" value="sim-not-a-real-token" />
  <label for="LogOnDetails_UserName">User Name</label>
  <input id="LogOnDetails_UserName" name="LogOnDetails.UserName" type="text" />
  <label for="LogOnDetails_Password">Password</label>
  <input id="LogOnDetails_Password" name="LogOnDetails.Password" type="password" />
  <button type="submit" id="login">Sign In</button>
 </form>
 <p>Forgot My Username or Password</p>
</div>
</body>
</html>
`;

export const DENIED_MESSAGE = 'Authorization has been denied for this request.';

export const jsonMessage = (message: string): string => JSON.stringify({ Message: message });

export type Problem =
  | 'parameter_absent'
  | 'signature_method_rejected'
  | 'consumer_key_unknown'
  | 'timestamp_refused'
  | 'nonce_used'
  | 'signature_invalid'
  | 'consumer_key_rejected'
  | 'version_rejected'
  | 'permission_denied';

/** Body in the RFC 5849 problem-reporting style (form-encoded, like the OAuth extension shows). */
export function problemBody(problem: Problem, advice: string, extra: Array<[string, string]> = []): string {
  const pairs: Array<[string, string]> = [['oauth_problem', problem], ['oauth_problem_advice', advice], ...extra];
  return pairs.map(([n, v]) => `${n}=${percentEncode(v)}`).join('&');
}
