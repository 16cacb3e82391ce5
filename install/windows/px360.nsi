; PX360 setup for Windows (NSIS 3, Modern UI 2), built on Linux by install/build.sh:
;   makensis -INPUTCHARSET UTF8 -DVERSION=1.2.3 -DNUMVERSION=1.2.3.0 \
;            -DPX360_EXE=/abs/dist/px360.exe -DOUTFILE=/abs/dist/px360-setup.exe install/windows/px360.nsi
; It copies px360.exe to Program Files, creates %ProgramData%\PX360 (DATA), installs and
; starts the Windows service (`px360 install`, `px360 start`; an upgrade stops the service,
; migrates the database and starts it again), opens the firewall port if the user agrees,
; and adds a Start-menu link to the web address. The uninstaller stops and removes the
; service and keeps DATA unless "Remove data" is ticked on its components page.

Unicode true
ManifestDPIAware true

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef NUMVERSION
  !define NUMVERSION "0.0.0.0"
!endif
!ifndef PX360_EXE
  !define PX360_EXE "..\..\dist\px360.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\px360-setup.exe"
!endif
!define PORT "8080"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PX360"
!define FIREWALL_RULE "PX360 web (TCP ${PORT})"

Name "PX360"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\PX360"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show
BrandingText "PX360 ${VERSION}"

VIProductVersion "${NUMVERSION}"
VIAddVersionKey /LANG=1033 "ProductName" "PX360"
VIAddVersionKey /LANG=1033 "FileDescription" "PX360 Patient Experience setup"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "PX360"

Var DataDir

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_LINK "$(OpenPX360)"
!define MUI_FINISHPAGE_LINK_LOCATION "http://localhost:${PORT}/"
!define MUI_UNCOMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Arabic"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString OpenPX360 ${LANG_ENGLISH} "Open PX360 (first run: the setup wizard)"
LangString OpenPX360 ${LANG_ARABIC} "افتح PX360 (أول تشغيل: معالج الإعداد)"
LangString FirewallQuestion ${LANG_ENGLISH} "Allow other computers on the network to reach PX360?$\r$\n$\r$\nThis opens TCP port ${PORT} in Windows Firewall. Choose No if only this server should use it for now; you can open the port later."
LangString FirewallQuestion ${LANG_ARABIC} "هل تسمح لأجهزة الشبكة الأخرى بالوصول إلى PX360؟$\r$\n$\r$\nسيُفتح منفذ TCP رقم ${PORT} في جدار حماية ويندوز. اختر لا إذا كان هذا الخادم وحده سيستخدمه الآن، ويمكنك فتح المنفذ لاحقاً."
LangString Needs64Bit ${LANG_ENGLISH} "PX360 needs 64-bit Windows."
LangString Needs64Bit ${LANG_ARABIC} "يتطلب PX360 نظام ويندوز 64 بت."
LangString MigrateFailed ${LANG_ENGLISH} "The database in $DataDir could not be upgraded, so the service was not started. See the details, then run: px360 migrate --data $\"$DataDir$\""
LangString MigrateFailed ${LANG_ARABIC} "تعذرت ترقية قاعدة البيانات في $DataDir، لذا لم تُشغَّل الخدمة. راجع التفاصيل ثم شغّل: px360 migrate --data $\"$DataDir$\""
LangString SecServer ${LANG_ENGLISH} "PX360 server and service"
LangString SecServer ${LANG_ARABIC} "خادم PX360 وخدمته"
LangString SecRemoveData ${LANG_ENGLISH} "Remove data (database, attachments, keys and backups)"
LangString SecRemoveData ${LANG_ARABIC} "حذف البيانات (قاعدة البيانات والمرفقات والمفاتيح والنسخ الاحتياطية)"
LangString WebLink ${LANG_ENGLISH} "PX360"
LangString WebLink ${LANG_ARABIC} "PX360"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "$(Needs64Bit)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\PX360"
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\PX360"
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "$(SecServer)" SecServer
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade: stop the running service so its executable can be replaced.
  ${If} ${FileExists} "$INSTDIR\px360.exe"
    nsExec::ExecToLog '"$INSTDIR\px360.exe" stop'
    Pop $0
    Sleep 2000
  ${EndIf}
  File "/oname=px360.exe" "${PX360_EXE}"
  CreateDirectory "$DataDir"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The service runs `px360 serve --data DATA`; installing it again on an upgrade fails harmlessly.
  nsExec::ExecToLog '"$INSTDIR\px360.exe" install --data "$DataDir" --addr ":${PORT}"'
  Pop $0
  ${If} ${FileExists} "$DataDir\px360.db"
    nsExec::ExecToLog '"$INSTDIR\px360.exe" migrate --data "$DataDir"'
    Pop $0
    ${If} $0 != 0
      MessageBox MB_OK|MB_ICONEXCLAMATION "$(MigrateFailed)" /SD IDOK
      Goto shortcuts
    ${EndIf}
  ${EndIf}
  nsExec::ExecToLog '"$INSTDIR\px360.exe" start'
  Pop $0

  ; The firewall stays closed unless the person installing says yes (silent installs: no).
  MessageBox MB_YESNO|MB_ICONQUESTION "$(FirewallQuestion)" /SD IDNO IDNO shortcuts
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${FIREWALL_RULE}"'
  Pop $0
  nsExec::ExecToLog 'netsh advfirewall firewall add rule name="${FIREWALL_RULE}" dir=in action=allow protocol=TCP localport=${PORT} program="$INSTDIR\px360.exe"'
  Pop $0

  shortcuts:
  CreateDirectory "$SMPROGRAMS\PX360"
  WriteINIStr "$SMPROGRAMS\PX360\$(WebLink).url" "InternetShortcut" "URL" "http://localhost:${PORT}/"
  CreateShortCut "$SMPROGRAMS\PX360\Uninstall PX360.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "PX360 Patient Experience"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "PX360"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\px360.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "URLInfoAbout" "http://localhost:${PORT}/"
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The uninstaller: always the service and the program; the data only when ticked.
Section "un.$(SecServer)" UnSecServer
  SectionIn RO
  nsExec::ExecToLog '"$INSTDIR\px360.exe" stop'
  Pop $0
  nsExec::ExecToLog '"$INSTDIR\px360.exe" uninstall'
  Pop $0
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="${FIREWALL_RULE}"'
  Pop $0
  Sleep 1000
  Delete "$INSTDIR\px360.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\PX360\*.url"
  Delete "$SMPROGRAMS\PX360\Uninstall PX360.lnk"
  RMDir "$SMPROGRAMS\PX360"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd

; /o: not selected unless the person uninstalling ticks it, so the data is kept by default.
Section /o "un.$(SecRemoveData)" UnSecRemoveData
  RMDir /r "$DataDir"
SectionEnd
